from rest_framework import serializers

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, ServiceViewSet

from .filtersets import AnnualGoalsFilterSet, GoalFilterSet, TaskAllocationFilterSet
from .models import AnnualGoals, Goal, TaskAllocation
from .services import goal_progress


class GoalSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(help_text="Mean % complete of the linked projects' baselines.")
    projects = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "annual_goals", "code", "name", "measure", "target", "owner_department", "projects",
                  "progress"]

    def get_progress(self, obj) -> float | None:
        return goal_progress(obj)[0]


class TaskAllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskAllocation
        fields = ["id", "goal", "task", "department", "responsible", "due_date"]


class AnnualGoalsSerializer(ControlledRecordSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta(ControlledRecordSerializer.Meta):
        model = AnnualGoals
        fields = ["id", "url", "number", "version", "title", "year", "summary", "status", "status_display",
                  "owner_department", "author", "confidentiality", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated", "goals"]


class AnnualGoalsViewSet(ControlledRecordViewSet):
    """Annual IT service business goals (SP-2.3); goals and allocations are written at goals/ and allocations/."""

    queryset = AnnualGoals.objects.all()
    serializer_class = AnnualGoalsSerializer
    filterset_class = AnnualGoalsFilterSet
    select_related = ("owner_department", "author")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals__projects")


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
