"""The REST root: core's routes and every app's `api.ROUTES`, found at start-up (no app is named here)."""

from importlib import import_module

from django.urls import include, path
from django.utils.module_loading import module_has_submodule
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from core import site_api
from core.apps import project_apps

from .tokens import TokenView


def app_routes():
    """(prefix, viewset[, basename]) of core and of each installed app with an `api` module declaring ROUTES."""
    routes = list(site_api.ROUTES)
    for config in project_apps():
        if config.name != "core" and module_has_submodule(config.module, "api"):
            routes += getattr(import_module(f"{config.name}.api"), "ROUTES", [])
    # Deeper prefixes first: "contracts/slas/" must not be read as the contract with pk "slas".
    return sorted(routes, key=lambda route: -route[0].count("/"))


router = DefaultRouter()
for prefix, viewset, *basename in app_routes():
    router.register(prefix, viewset, *basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
