"""Pages of the initiation application and the initiation plan."""

from ..filtersets import InitiationApplicationFilterSet, InitiationPlanFilterSet
from ..forms import InitiationApplicationForm, InitiationPlanForm
from ..models import InitiationApplication, InitiationPlan
from ..tables import InitiationApplicationTable, InitiationPlanTable
from .project import ProjectRecordEditView, ProjectRecordViews


class ApplicationEditView(ProjectRecordEditView):
    def defaults_from(self, project):
        return {**super().defaults_from(project), "contract": project.contract_id, "category": project.category,
                "project_manager": project.manager_id, "planned_start": project.start_date,
                "planned_end": project.end_date}


class InitiationApplicationViews(ProjectRecordViews):
    model = InitiationApplication
    table = InitiationApplicationTable
    filterset = InitiationApplicationFilterSet
    form = InitiationApplicationForm
    edit_view = ApplicationEditView
    detail_fields = ("project", "contract", "category", "project_manager", "planned_start", "planned_end", "budget",
                     "necessity", "feasibility", "owner_department", "confidentiality", "change_note")


class InitiationPlanViews(ProjectRecordViews):
    model = InitiationPlan
    table = InitiationPlanTable
    filterset = InitiationPlanFilterSet
    form = InitiationPlanForm
    detail_fields = ("project", "objectives", "scope", "organisation", "schedule", "resources", "budget",
                     "owner_department", "change_note")
