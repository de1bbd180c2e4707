"""REST endpoints of a project's closure: the record, its checklist, and disposing of an item."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ControlledRecordViewSet, RecordSerializer, RestrictedReadOnlyViewSet
from core.drf import MatrixPermission
from core.middleware import bind_actor
from core.permissions import allowed
from org.models import User
from projects.api.base import record_serializer

from ..choices import DispositionKind
from ..filtersets import ClosureDispositionFilterSet, ProjectClosureFilterSet
from ..models import ClosureDisposition, ProjectClosure
from ..services import closure as services

ProjectClosureSerializer = record_serializer(ProjectClosure, "notes", "checklist_snapshot", "closed_at")


class ClosureDispositionSerializer(RecordSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ClosureDisposition
        fields = ["id", "closure", "item_key", "item_label", "kind", "kind_display", "owner", "reason", "decided_by",
                  "decided_at", "created"]
        read_only_fields = fields


class DisposeSerializer(serializers.Serializer):
    item_key = serializers.CharField()
    kind = serializers.ChoiceField(choices=DispositionKind.choices)
    reason = serializers.CharField()
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                               allow_null=True)


ChecklistRows = inline_serializer("ClosureChecklistRow", many=True, fields={
    "key": serializers.CharField(), "group": serializers.CharField(), "label": serializers.CharField(),
    "url": serializers.CharField(), "state": serializers.CharField(), "open": serializers.BooleanField(),
    "may_dispose": serializers.BooleanField(), "disposition": ClosureDispositionSerializer(allow_null=True)})


class MayViewClosure(MatrixPermission):
    """Disposing of an item needs only to see the closure here; closure.services.closure.dispose checks the role (the
    Service Department manager) through core.records, as the workflow engine does for transitions."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        bind_actor(request, request.user)
        return allowed(request.user, ProjectClosure, "view")


class ProjectClosureViewSet(ControlledRecordViewSet):
    """Project closures. `transition` with `close` is refused (400, the open items in `detail`, the closure page in
    `fixes`) while the checklist has an open item; `checklist` lists it; `dispose` waives or hands over an item."""

    queryset = ProjectClosure.objects.all()
    serializer_class = ProjectClosureSerializer
    filterset_class = ProjectClosureFilterSet
    select_related = ("owner_department", "author", "project")

    @extend_schema(responses=ChecklistRows)
    @action(detail=True, methods=["get"])
    def checklist(self, request, pk=None):
        """The checklist as it stands now (the frozen one of a closed project is `checklist_snapshot`)."""
        closure = self.get_object()
        return Response([{"key": row.item.key, "group": str(row.item.group), "label": str(row.item.label),
                          "url": row.item.url, "state": row.state_code, "open": row.open,
                          "may_dispose": row.item.may_dispose,
                          "disposition": ClosureDispositionSerializer(row.disposition).data if row.disposition
                          else None} for row in services.checklist(closure.project)])

    @extend_schema(request=DisposeSerializer, responses={201: ClosureDispositionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayViewClosure])
    def dispose(self, request, pk=None):
        closure = self.get_object()
        given = DisposeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        disposition = services.dispose(closure, data["item_key"], data["kind"], data["reason"], request.user,
                                       owner=data.get("owner"))
        return Response(ClosureDispositionSerializer(disposition).data, status=status.HTTP_201_CREATED)


class ClosureDispositionViewSet(RestrictedReadOnlyViewSet):
    """Dispositions of checklist items: recorded through a closure's `dispose`, never changed or deleted."""

    queryset = ClosureDisposition.objects.all()
    serializer_class = ClosureDispositionSerializer
    filterset_class = ClosureDispositionFilterSet
    select_related = ("closure", "owner", "decided_by")
