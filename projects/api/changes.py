"""REST endpoints of work plan change requests (SP-4.4.3)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..choices import ChangeKind
from ..filtersets import ChangeRequestFilterSet
from ..models import ChangeRequest
from .base import ProjectRecordViewSet, inline_choice, record_serializer
from .workplan import WorkPlanSerializer


def get_revision(self, obj) -> int | None:
    return getattr(obj.revision(), "pk", None)


ChangeRequestSerializer = record_serializer(
    ChangeRequest, "baseline", "kind", "reason", "form", "verbal_from", "verbal_at", "comparison", "revision",
    extra={"kind": inline_choice(ChangeKind.choices, required=False),
           "revision": serializers.SerializerMethodField(help_text="The revised work plan version."),
           "get_revision": get_revision})
ChangeRequestSerializer.Meta.read_only_fields = (*ChangeRequestSerializer.Meta.read_only_fields, "comparison")


class ChangeRequestViewSet(ProjectRecordViewSet):
    """Work plan changes (SP-4.4.3): `request` (PM) → staff `revise` (a new draft version of the work plan) →
    `check` (PM) → `approve` (Service Department manager: the revision becomes the baseline) or `reject`."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    service_checked_actions = ("revise",)

    @extend_schema(request=None, responses=WorkPlanSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        revision = services.start_revision(self.get_object(), request.user)
        return Response(WorkPlanSerializer(revision, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        return Response(services.comparison_for(self.get_object()) or {})
