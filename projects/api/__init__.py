"""REST endpoints of the project stage (registered in api/urls.py under projects/...), one module per sub-domain.
Same services and rules as the pages: opening from a signed contract, team checks, assignees from the team only,
workflow gates."""

from .changes import ChangeRequestViewSet
from .initiation import InitiationApplicationViewSet, InitiationPlanViewSet
from .plans import (
    PlanMilestoneViewSet,
    PlanReviewViewSet,
    PlanRiskViewSet,
    ProjectPlanViewSet,
    QualityObjectiveViewSet,
    ReviewFindingViewSet,
)
from .project import ProjectViewSet, TeamMemberViewSet
from .workplan import DependencyViewSet, TaskProgressViewSet, TaskViewSet, WorkPlanViewSet

__all__ = [
    "ChangeRequestViewSet", "DependencyViewSet", "InitiationApplicationViewSet", "InitiationPlanViewSet",
    "PlanMilestoneViewSet", "PlanReviewViewSet", "PlanRiskViewSet", "ProjectPlanViewSet", "ProjectViewSet",
    "QualityObjectiveViewSet", "ReviewFindingViewSet", "TaskProgressViewSet", "TaskViewSet", "TeamMemberViewSet",
    "WorkPlanViewSet",
]
