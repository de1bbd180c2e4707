"""Forms of the initiation application and the initiation plan."""

from django.utils.translation import gettext as _t

from core.forms import ControlledRecordForm
from core.roles import Role
from org.models import User

from ..models import InitiationApplication, InitiationPlan
from ..services import signed_contracts
from .project import DATE, ProjectRecordForm


class InitiationApplicationForm(ProjectRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = InitiationApplication
        fields = ["project", "title", "owner_department", "contract", "category", "project_manager", "planned_start",
                  "planned_end", "budget", "necessity", "feasibility", "confidentiality", "change_note"]
        widgets = {"planned_start": DATE, "planned_end": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["project_manager"].queryset = User.objects.filter(
            role_assignments__role=Role.PROJECT_MANAGER).distinct()
        self.fields["contract"].queryset = signed_contracts()

    def clean(self):
        data = super().clean()
        project, contract = data.get("project") or self.instance.project_id and self.instance.project, \
            data.get("contract")
        if project and contract and contract.pk != project.contract_id:
            self.add_error("contract", _t("Pick the project's contract (%(c)s).") % {"c": project.contract})
        return data


class InitiationPlanForm(ProjectRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = InitiationPlan
        fields = ["project", "title", "owner_department", "objectives", "scope", "organisation", "schedule",
                  "resources", "budget", "confidentiality", "change_note"]
