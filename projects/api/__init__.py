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

# Registered by api/urls.py under /api/.
ROUTES = [
    ("projects/projects", ProjectViewSet),
    ("projects/team", TeamMemberViewSet),
    ("projects/initiation-applications", InitiationApplicationViewSet),
    ("projects/initiation-plans", InitiationPlanViewSet),
    ("projects/project-plans", ProjectPlanViewSet),
    ("projects/quality-objectives", QualityObjectiveViewSet),
    ("projects/plan-milestones", PlanMilestoneViewSet),
    ("projects/plan-risks", PlanRiskViewSet),
    ("projects/plan-reviews", PlanReviewViewSet),
    ("projects/review-findings", ReviewFindingViewSet),
    ("projects/work-plans", WorkPlanViewSet),
    ("projects/tasks", TaskViewSet),
    ("projects/dependencies", DependencyViewSet),
    ("projects/task-progress", TaskProgressViewSet),
    ("projects/change-requests", ChangeRequestViewSet),
]
