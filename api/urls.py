"""The REST root: core's routes and every app's `api.ROUTES`, found at start-up (no app is named here)."""


from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core import site_api
from core.apps import project_modules

from .schema import DocsView, SchemaView
from .tokens import TokenView


def app_routes():
    """(prefix, viewset[, basename]) of core and of each installed app with an `api` module declaring ROUTES."""
    routes = list(site_api.ROUTES)
    for config, module in project_modules("api"):
        if config.name != "core":  # core.api holds the base classes; core's own routes are site_api's
            routes += getattr(module, "ROUTES", [])
    # Deeper prefixes first: "contracts/slas/" must not be read as the contract with pk "slas".
    return sorted(routes, key=lambda route: -route[0].count("/"))


router = DefaultRouter()
for prefix, viewset, *basename in app_routes():
    router.register(prefix, viewset, *basename)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
