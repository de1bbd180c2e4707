from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from customers.api import CustomerViewSet
from documents.api import ProcedureDocumentViewSet

from .views import (
    AuditEntryViewSet,
    DelegationViewSet,
    DepartmentViewSet,
    NumberingSchemeViewSet,
    RecordIndexViewSet,
    UserViewSet,
)


class TokenView(ObtainAuthToken):
    """POST username + password, get the API token (lockout rules apply)."""

    permission_classes = [AllowAny]


router = DefaultRouter()
router.register("org/departments", DepartmentViewSet)
router.register("org/users", UserViewSet)
router.register("org/delegations", DelegationViewSet)
router.register("numbering-schemes", NumberingSchemeViewSet)
router.register("audit", AuditEntryViewSet)
router.register("register", RecordIndexViewSet)
router.register("customers", CustomerViewSet)
router.register("documents/procedures", ProcedureDocumentViewSet)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
