"""Forms of the project stage, one module per sub-domain."""

from .changes import ChangeRequestForm
from .initiation import InitiationApplicationForm, InitiationPlanForm
from .plans import (
    FindingFormSet,
    MilestoneFormSet,
    ObjectiveForm,
    ObjectiveFormSet,
    PlanReviewForm,
    ProjectPlanForm,
    ResolveFindingForm,
    RiskFormSet,
)
from .project import DATE, DATETIME, AppointForm, ProjectOpenForm, ProjectRecordForm, TeamMemberForm, open_projects
from .workplan import DependencyForm, ImportForm, ProgressForm, TaskForm, WorkPlanForm

__all__ = [
    "AppointForm", "ChangeRequestForm", "DATE", "DATETIME", "DependencyForm", "FindingFormSet", "ImportForm",
    "InitiationApplicationForm", "InitiationPlanForm", "MilestoneFormSet", "ObjectiveForm", "ObjectiveFormSet",
    "PlanReviewForm", "ProgressForm", "ProjectOpenForm", "ProjectPlanForm", "ProjectRecordForm",
    "ResolveFindingForm", "RiskFormSet", "TaskForm", "TeamMemberForm", "WorkPlanForm", "open_projects",
]
