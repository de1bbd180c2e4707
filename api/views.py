from rest_framework import viewsets

from core.filtersets import AuditEntryFilterSet, RecordIndexFilterSet
from core.models import AuditEntry, RecordIndex
from org.filtersets import DepartmentFilterSet, UserFilterSet
from org.models import Department, User

from .serializers import AuditEntrySerializer, DepartmentSerializer, RecordIndexSerializer, UserSerializer


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
