from rest_framework import serializers

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, RecordSerializer, ServiceViewSet

from .filtersets import AnnualGoalsFilterSet, GoalFilterSet, TaskAllocationFilterSet
from .models import AnnualGoals, Goal, TaskAllocation
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


# Registered by api/urls.py under /api/.
ROUTES = [
    ("strategy/annual-goals", AnnualGoalsViewSet),
    ("strategy/goals", GoalViewSet),
    ("strategy/task-allocations", TaskAllocationViewSet),
]
