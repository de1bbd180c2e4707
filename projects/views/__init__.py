"""Pages of the project stage, one module per sub-domain; projects/urls.py collects their URLs."""

from .changes import ChangeRequestViews
from .initiation import InitiationApplicationViews, InitiationPlanViews
from .plans import PlanReviewViews, ProjectPlanViews
from .project import ProjectViews
from .workplan import WorkPlanViews

__all__ = [
    "ChangeRequestViews", "InitiationApplicationViews", "InitiationPlanViews", "PlanReviewViews", "ProjectPlanViews",
    "ProjectViews", "WorkPlanViews",
]
