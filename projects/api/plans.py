"""REST endpoints of project plans (objectives, milestones, risks) and plan reviews (findings)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ServiceViewSet

from .. import services
from ..choices import FindingSeverity, FindingState, Level
from ..filtersets import (
    PlanMilestoneFilterSet,
    PlanReviewFilterSet,
    PlanRiskFilterSet,
    ProjectPlanFilterSet,
    QualityObjectiveFilterSet,
    ReviewFindingFilterSet,
)
from ..models import PlanMilestone, PlanReview, PlanRisk, ProjectPlan, QualityObjective, ReviewFinding
from .base import ProjectRecordViewSet, inline_choice, nested_rows, record_serializer, row_serializer, row_viewset

OBJECTIVE_FIELDS = ["objective", "metric", "target", "measurement", "owner", "sla_target"]
MILESTONE_FIELDS = ["name", "due_date", "deliverable"]
RISK_FIELDS = ["description", "likelihood", "impact", "response", "owner"]
RISK_CHOICES = {"likelihood": inline_choice(Level.choices, required=False),
                "impact": inline_choice(Level.choices, required=False)}
FINDING_FIELDS = ["description", "severity", "raised_by", "state", "resolution"]
FINDING_CHOICES = {"severity": inline_choice(FindingSeverity.choices, required=False),
                   "state": inline_choice(FindingState.choices, required=False)}


class ReportSectionsField(serializers.ListField):
    child = serializers.CharField()


ProjectPlanSerializer = record_serializer(
    ProjectPlan, "measures", "resources", "schedule", "acceptance_criteria", "report_period", "report_sections",
    "report_recipients", "report_agreed_with", "objectives", "milestones", "risks",
    extra={"report_sections": ReportSectionsField(required=False,
                                                  help_text="Codes of projects.choices.ReportSection."),
           "report_recipients": serializers.ListField(child=serializers.CharField(), required=False),
           "objectives": nested_rows(QualityObjective, OBJECTIVE_FIELDS),
           "milestones": nested_rows(PlanMilestone, MILESTONE_FIELDS),
           "risks": nested_rows(PlanRisk, RISK_FIELDS, RISK_CHOICES)})


class ProjectPlanViewSet(ProjectRecordViewSet):
    """Project plans; their rows are written in the plan (a list replaces them) or one by one at
    quality-objectives/, plan-milestones/, plan-risks/, while a draft."""

    queryset = ProjectPlan.objects.all()
    serializer_class = ProjectPlanSerializer
    filterset_class = ProjectPlanFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("objectives", "milestones", "risks")


QualityObjectiveViewSet = row_viewset(QualityObjective, ["plan", *OBJECTIVE_FIELDS], QualityObjectiveFilterSet)
PlanMilestoneViewSet = row_viewset(PlanMilestone, ["plan", *MILESTONE_FIELDS], PlanMilestoneFilterSet)
PlanRiskViewSet = row_viewset(PlanRisk, ["plan", *RISK_FIELDS], PlanRiskFilterSet, extra=RISK_CHOICES)

PlanReviewSerializer = record_serializer(
    PlanReview, "plan", "held_on", "location", "reviewers", "verdict", "summary", "findings",
    extra={"findings": nested_rows(ReviewFinding, FINDING_FIELDS, FINDING_CHOICES)})


class PlanReviewViewSet(ProjectRecordViewSet):
    """Plan reviews organised by the PM; `conclude` when reviewers and verdict are recorded."""

    queryset = PlanReview.objects.all()
    serializer_class = PlanReviewSerializer
    filterset_class = PlanReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("reviewers", "findings")


ReviewFindingSerializer = row_serializer(ReviewFinding, ["review", *FINDING_FIELDS], FINDING_CHOICES)
ResolveFinding = row_serializer(ReviewFinding, ["state", "resolution"], name="ResolveFindingSerializer",
                                extra={"state": inline_choice(FindingState.choices)})


class ReviewFindingViewSet(ServiceViewSet):
    """Findings: raised while the review is open; closed or accepted (`resolve`) afterwards too."""

    queryset = ReviewFinding.objects.all()
    serializer_class = ReviewFindingSerializer
    filterset_class = ReviewFindingFilterSet

    @extend_schema(request=ResolveFinding, responses=ReviewFindingSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        finding = self.get_object()
        given = ResolveFinding(data=request.data)
        given.is_valid(raise_exception=True)
        services.resolve_finding(finding, request.user, given.validated_data["state"],
                                 given.validated_data.get("resolution", ""))
        return Response(self.get_serializer(finding).data)
