
from core.filtersets import ControlledRecordFilterSet, FilterSet

from .models import AnnualGoals, Goal, TaskAllocation


class AnnualGoalsFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = AnnualGoals
        fields = ["q", "year", "status", "owner_department", "created_after", "created_before"]


class GoalFilterSet(FilterSet):
    class Meta:
        model = Goal
        fields = ["annual_goals", "owner_department"]


class TaskAllocationFilterSet(FilterSet):
    class Meta:
        model = TaskAllocation
        fields = ["goal", "department", "responsible"]
