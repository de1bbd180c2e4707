from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, RecordSerializer, ServiceViewSet
from core.permissions import allowed

from . import review as reviews
from .choices import DecisionStatus
from .filtersets import (
    AnnualGoalsFilterSet,
    DecisionFilterSet,
    GoalFilterSet,
    ManagementReviewFilterSet,
    TaskAllocationFilterSet,
)
from .followup import follow_ups
from .models import AnnualGoals, Decision, Goal, ManagementReview, TaskAllocation
from .services import goal_progress


class TaskAllocationSerializer(RecordSerializer):
    class Meta:
        model = TaskAllocation
        fields = ["id", "goal", "task", "department", "responsible", "due_date"]


class NestedAllocationSerializer(RecordSerializer):
    """An allocation listed in its goal; a listed `id` keeps that row, the others are replaced."""

    id = serializers.IntegerField(required=False)

    class Meta:
        model = TaskAllocation
        fields = ["id", "task", "department", "responsible", "due_date"]


class GoalSerializer(RecordSerializer):
    progress = serializers.SerializerMethodField(help_text="Mean % complete of the linked projects' baselines.")
    projects = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "annual_goals", "code", "name", "measure", "target", "owner_department", "projects",
                  "progress"]

    def get_progress(self, obj) -> float | None:
        return goal_progress(obj)[0]


class NestedGoalSerializer(GoalSerializer):
    """A goal listed in its annual goals (matched by code), with its task allocations."""

    allocations = NestedAllocationSerializer(many=True, required=False)

    class Meta(GoalSerializer.Meta):
        fields = ["id", "code", "name", "measure", "target", "owner_department", "projects", "progress",
                  "allocations"]
        validators = []  # the code is unique in the record: core.rows refuses a code listed twice


class AnnualGoalsSerializer(ControlledRecordSerializer):
    goals = NestedGoalSerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = AnnualGoals
        fields = ["id", "url", "number", "version", "title", "year", "summary", "status", "status_display",
                  "owner_department", "author", "confidentiality", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated", "goals"]


class AnnualGoalsViewSet(ControlledRecordViewSet):
    """Annual IT service business goals (SP-2.3); goals with their allocations are written in the record (a list
    replaces them, matched by goal code) or one by one at goals/ and task-allocations/, while a draft."""

    queryset = AnnualGoals.objects.all()
    serializer_class = AnnualGoalsSerializer
    filterset_class = AnnualGoalsFilterSet
    select_related = ("owner_department", "author")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals__projects", "goals__allocations")


class GoalViewSet(ServiceViewSet):
    queryset = Goal.objects.all()
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet


class TaskAllocationViewSet(ServiceViewSet):
    queryset = TaskAllocation.objects.all()
    serializer_class = TaskAllocationSerializer
    filterset_class = TaskAllocationFilterSet


# ---- the management review (SP-2.1, SP-2.2) ----------------------------------------------------------------
class FollowUpSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()
    status = serializers.CharField()
    done = serializers.BooleanField()


class DecisionSerializer(RecordSerializer):
    """A decision of the General Manager: written while its review is prepared or under review; afterwards only its
    tracking (status, done_on, result) changes, through `track/`."""

    # Read-only here (it changes through `track/`), so documented as text: one enum component, the endpoint's.
    status = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    follow_ups = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "review", "kind", "decision", "owner", "due_date", "goal", "status", "done_on", "result",
                  "overdue", "follow_ups", "created", "updated"]
        read_only_fields = ("status", "done_on", "result", "created", "updated")

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and "review" in fields:
            fields["review"].read_only = True  # a decision stays with its review
        return fields

    @extend_schema_field(FollowUpSerializer(many=True))
    def get_follow_ups(self, obj) -> list:
        return [f.__dict__ for f in follow_ups([obj]).get(obj.pk, [])]


class TrackSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DecisionStatus.choices)
    done_on = serializers.DateField(required=False, allow_null=True)
    result = serializers.CharField(required=False, allow_blank=True)


class DecisionViewSet(ServiceViewSet):
    """Management review decisions: the tracked actions (and improvements to open) of the General Manager."""

    queryset = Decision.objects.all()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilterSet
    select_related = ("review", "owner", "goal")
    # Whoever may follow a decision up (its owner too: Decision.restrict_rows) posts to track/, not only who adds.
    action_permissions = {"track": "change"}

    @extend_schema(request=TrackSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def track(self, request, pk=None):
        """Record the decision done (with the date and the result), cancelled (with the reason) or open again."""
        decision = self.get_object()
        if not allowed(request.user, decision, "change"):
            raise PermissionDenied
        data = TrackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = reviews.track(decision, request.user, data.validated_data["status"],
                                 data.validated_data.get("done_on"), data.validated_data.get("result", ""))
        return Response(self.get_serializer(decision).data)


class NestedDecisionSerializer(DecisionSerializer):
    class Meta(DecisionSerializer.Meta):
        fields = ["id", "kind", "decision", "owner", "due_date", "goal", "status", "done_on", "result", "overdue"]
        read_only_fields = fields


class ManagementReviewSerializer(ControlledRecordSerializer):
    decisions = NestedDecisionSerializer(many=True, read_only=True)

    class Meta(ControlledRecordSerializer.Meta):
        model = ManagementReview
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "owner_department",
                  "author", "confidentiality", "change_note", "predecessor", "approved_at", "lock_version", "created",
                  "updated", "period_start", "period_end", "meeting_date", "attendees", "advice_policy",
                  "advice_industry", "advice_business", "inputs", "inputs_taken_at", "decisions"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "inputs", "inputs_taken_at")
        extra_kwargs = {"title": {"required": False}}


class ManagementReviewViewSet(ControlledRecordViewSet):
    """Management reviews 管理评审 (SP-2.1, SP-2.2): `take-inputs/` freezes the inputs from the data (a draft or
    returned review); the decisions are written at management-review-decisions/ and tracked with their `track/`."""

    queryset = ManagementReview.objects.all()
    serializer_class = ManagementReviewSerializer
    filterset_class = ManagementReviewFilterSet
    select_related = ("owner_department", "author")
    prefetch_related = ("attendees", "decisions")

    @extend_schema(request=None, responses=ManagementReviewSerializer)
    @action(detail=True, methods=["post"], url_path="take-inputs")
    def take_inputs(self, request, pk=None):
        """Take (again) the inputs of the review's period from the data."""
        review = self.get_object()
        if not allowed(request.user, review, "change"):
            raise PermissionDenied
        review = reviews.take_inputs(review, request.user)
        return Response(self.get_serializer(review).data)


# Registered by api/urls.py under /api/.
ROUTES = [
    ("strategy/annual-goals", AnnualGoalsViewSet),
    ("strategy/goals", GoalViewSet),
    ("strategy/task-allocations", TaskAllocationViewSet),
    ("strategy/management-reviews", ManagementReviewViewSet),
    ("strategy/management-review-decisions", DecisionViewSet),
]
