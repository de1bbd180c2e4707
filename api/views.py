from rest_framework import viewsets

from core.api import ServiceViewSet
from core.filtersets import AuditEntryFilterSet, NumberingSchemeFilterSet, RecordIndexFilterSet
from core.models import AuditEntry, NumberingScheme, RecordIndex
from org.filtersets import DelegationFilterSet, DepartmentFilterSet, UserFilterSet
from org.models import Delegation, Department, User

from .serializers import (
    AuditEntrySerializer,
    DelegationSerializer,
    DepartmentSerializer,
    NumberingSchemeSerializer,
    RecordIndexSerializer,
    UserSerializer,
)


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    select_related = ()
    prefetch_related = ()

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, "view") \
            .select_related(*self.select_related).prefetch_related(*self.prefetch_related)


class DepartmentViewSet(RestrictedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet


class UserViewSet(RestrictedReadOnlyViewSet):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    prefetch_related = ("role_assignments",)


class AuditEntryViewSet(RestrictedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    lookup_field = "seq"


class RecordIndexViewSet(RestrictedReadOnlyViewSet):
    """The Record Register: every record of every type."""

    queryset = RecordIndex.objects.all()
    serializer_class = RecordIndexSerializer
    filterset_class = RecordIndexFilterSet


class DelegationViewSet(ServiceViewSet):
    """Delegations of approval rights; the signed-in user is the delegator of what they create."""

    queryset = Delegation.objects.all()
    serializer_class = DelegationSerializer
    filterset_class = DelegationFilterSet
    select_related = ("delegator", "delegate")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.validated_data["delegator"] = self.request.user
        super().perform_create(serializer)


class NumberingSchemeViewSet(ServiceViewSet):
    queryset = NumberingScheme.objects.all()
    serializer_class = NumberingSchemeSerializer
    filterset_class = NumberingSchemeFilterSet
