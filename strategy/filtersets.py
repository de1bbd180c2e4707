import django_filters

from core.filtersets import ControlledRecordFilterSet

from .models import AnnualGoals, Goal, TaskAllocation


class AnnualGoalsFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = AnnualGoals
        fields = ["q", "year", "status", "owner_department", "created_after", "created_before"]


class GoalFilterSet(django_filters.FilterSet):
    class Meta:
        model = Goal
        fields = ["annual_goals", "owner_department"]


class TaskAllocationFilterSet(django_filters.FilterSet):
    class Meta:
        model = TaskAllocation
        fields = ["goal", "department", "responsible"]
