"""REST endpoints of project plans (objectives, milestones, risks) and plan reviews (findings)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core import audit, records
from core.api import ServiceViewSet
from core.rows import ensure_editable

from .. import services
from ..choices import Level
from ..filtersets import (
    PlanMilestoneFilterSet,
    PlanReviewFilterSet,
    PlanRiskFilterSet,
    ProjectPlanFilterSet,
    QualityObjectiveFilterSet,
    ReviewFindingFilterSet,
)
from ..models import PlanMilestone, PlanReview, PlanRisk, ProjectPlan, QualityObjective, ReviewFinding
from .base import ProjectRecordViewSet, inline_choice, record_serializer, row_viewset


class ReportSectionsField(serializers.ListField):
    child = serializers.CharField()


ProjectPlanSerializer = record_serializer(
    ProjectPlan, "measures", "resources", "schedule", "acceptance_criteria", "report_period", "report_sections",
    "report_recipients", "report_agreed_with", "objectives", "milestones", "risks",
    extra={"report_sections": ReportSectionsField(required=False,
                                                  help_text="Codes of projects.choices.ReportSection."),
           "report_recipients": serializers.ListField(child=serializers.CharField(), required=False),
           "objectives": serializers.PrimaryKeyRelatedField(many=True, read_only=True),
           "milestones": serializers.PrimaryKeyRelatedField(many=True, read_only=True),
           "risks": serializers.PrimaryKeyRelatedField(many=True, read_only=True)})


class ProjectPlanViewSet(ProjectRecordViewSet):
    """Project plans; rows are written at quality-objectives/, plan-milestones/, plan-risks/ while a draft."""

    queryset = ProjectPlan.objects.all()
    serializer_class = ProjectPlanSerializer
    filterset_class = ProjectPlanFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("objectives", "milestones", "risks")


QualityObjectiveViewSet = row_viewset(QualityObjective, ["plan", "objective", "metric", "target", "measurement",
                                                         "owner", "sla_target"], QualityObjectiveFilterSet)
PlanMilestoneViewSet = row_viewset(PlanMilestone, ["plan", "name", "due_date", "deliverable"], PlanMilestoneFilterSet)
PlanRiskViewSet = row_viewset(PlanRisk, ["plan", "description", "likelihood", "impact", "response", "owner"],
                              PlanRiskFilterSet, extra={"likelihood": inline_choice(Level.choices, required=False),
                                                        "impact": inline_choice(Level.choices, required=False)})

PlanReviewSerializer = record_serializer(
    PlanReview, "plan", "held_on", "location", "reviewers", "verdict", "summary", "findings",
    extra={"findings": serializers.PrimaryKeyRelatedField(many=True, read_only=True)})


class PlanReviewViewSet(ProjectRecordViewSet):
    """Plan reviews organised by the PM; `conclude` when reviewers and verdict are recorded."""

    queryset = PlanReview.objects.all()
    serializer_class = PlanReviewSerializer
    filterset_class = PlanReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("reviewers", "findings")

    def perform_create(self, serializer):
        reviewers = serializer.validated_data.pop("reviewers", [])
        with transaction.atomic():
            super().perform_create(serializer)
            serializer.instance.reviewers.set(reviewers)
            records.log_links(serializer.instance, self.request.user, {"reviewers": []})

    def perform_update(self, serializer):
        reviewers = serializer.validated_data.pop("reviewers", None)
        with transaction.atomic():
            before = audit.m2m_snapshot(serializer.instance, ["reviewers"])
            super().perform_update(serializer)
            if reviewers is not None:
                ensure_editable(serializer.instance)
                serializer.instance.reviewers.set(reviewers)
                records.log_links(serializer.instance, self.request.user, before)


class ReviewFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewFinding
        fields = ["id", "review", "description", "severity", "raised_by", "state", "resolution"]


class ReviewFindingViewSet(ServiceViewSet):
    """Findings: raised while the review is open; closed or accepted (`resolve`) afterwards too."""

    queryset = ReviewFinding.objects.all()
    serializer_class = ReviewFindingSerializer
    filterset_class = ReviewFindingFilterSet

    def perform_create(self, serializer):
        ensure_editable(serializer.validated_data["review"])
        super().perform_create(serializer)

    def perform_update(self, serializer):
        ensure_editable(serializer.instance.review)
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        ensure_editable(instance.review)
        super().perform_destroy(instance)

    @extend_schema(request=inline_serializer("Resolve", {"state": serializers.CharField(),
                                                          "resolution": serializers.CharField()}),
                   responses=ReviewFindingSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        finding = self.get_object()
        services.resolve_finding(finding, request.user, request.data.get("state", ""),
                                 request.data.get("resolution", ""))
        return Response(self.get_serializer(finding).data)
