
from core.filtersets import ControlledRecordFilterSet, FilterSet

from .models import AnnualGoals, Decision, Goal, ManagementReview, TaskAllocation


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


class ManagementReviewFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = ManagementReview
        fields = ["q", "status", "owner_department", "created_after", "created_before"]


class DecisionFilterSet(FilterSet):
    class Meta:
        model = Decision
        fields = ["review", "kind", "status", "owner"]
