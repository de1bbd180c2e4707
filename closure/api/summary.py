"""REST endpoints of the project summary report (SP-4.5.2): the record with its frozen figures and lessons, and
`generate` (the figures from the data; an approved report's next version, with the reason)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import records
from core.api import ServiceViewSet
from core.permissions import allowed
from projects.api.base import ProjectRecordViewSet, inline_choice, nested_rows, record_serializer, row_serializer

from ..choices import LessonKind
from ..filtersets import LessonFilterSet, SummaryReportFilterSet
from ..models import Lesson, SummaryReport
from ..services import summary

LESSON_FIELDS = ["kind", "description", "recommendation"]


def _save_summary(self, instance, before):
    """A new report is drafted from the data at once: created, then its figures generated (same transaction)."""
    user = self.context["request"].user
    if before is None:
        records.create(instance, user)
        summary.generate(instance, user)
        instance.refresh_from_db()
    else:
        records.update(instance, user, before, expected_lock=self.context["request"].data.get("lock_version"))


SummaryReportSerializer = record_serializer(
    SummaryReport, "conclusion", "objectives_commentary", "delivery_commentary", "cost_commentary", "handover",
    "snapshot", "generated_at", "lessons",
    extra={"lessons": nested_rows(Lesson, LESSON_FIELDS, {"kind": inline_choice(LessonKind.choices, required=False)}),
           "save_instance": _save_summary})
SummaryReportSerializer.Meta.read_only_fields = (*SummaryReportSerializer.Meta.read_only_fields, "snapshot",
                                                 "generated_at")
LessonSerializer = row_serializer(Lesson, ["report", *LESSON_FIELDS, "created", "updated"],
                                  {"kind": inline_choice(LessonKind.choices, required=False)})
LessonSerializer.Meta.read_only_fields = ("created", "updated")


class SummaryGenerateSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Why an approved report is regenerated (its next version's change "
                                             "note); required then.")


class SummaryReportViewSet(ProjectRecordViewSet):
    """Project summary reports: created as a draft generated from the data; `generate` regenerates (a draft in
    place; an approved report as its next version, with `reason`); submit → approve (Service Department manager)."""

    queryset = SummaryReport.objects.all()
    serializer_class = SummaryReportSerializer
    filterset_class = SummaryReportFilterSet
    prefetch_related = ("lessons",)

    @extend_schema(request=SummaryGenerateSerializer, responses=SummaryReportSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        report = self.get_object()
        if not allowed(request.user, report, "change"):
            raise PermissionDenied
        report = summary.generate(report, request.user, reason=request.data.get("reason", ""))
        return Response(self.get_serializer(report).data)


class LessonViewSet(ServiceViewSet):
    queryset = Lesson.objects.all()
    serializer_class = LessonSerializer
    filterset_class = LessonFilterSet
