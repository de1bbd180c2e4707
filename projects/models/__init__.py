"""Models of the project stage, one module per sub-domain; Django finds them all here."""

from .changes import ChangeRequest
from .initiation import InitiationApplication, InitiationPlan
from .plans import PlanMilestone, PlanReview, PlanRisk, ProjectPlan, QualityObjective, ReviewFinding
from .project import Project, ProjectRecord, TeamMember
from .workplan import Dependency, Task, TaskProgress, WorkPlan

__all__ = [
    "ChangeRequest", "Dependency", "InitiationApplication", "InitiationPlan", "PlanMilestone", "PlanReview",
    "PlanRisk", "Project", "ProjectPlan", "ProjectRecord", "QualityObjective", "ReviewFinding", "Task",
    "TaskProgress", "TeamMember", "WorkPlan",
]
