"""The form of a work plan change request."""

from django.utils.translation import gettext as _t

from core.forms import ControlledRecordForm

from ..choices import ChangeForm, WorkPlanStatus
from ..models import ChangeRequest, WorkPlan
from .project import DATETIME, ProjectRecordForm


class ChangeRequestForm(ProjectRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ChangeRequest
        fields = ["project", "title", "owner_department", "baseline", "kind", "reason", "form", "verbal_from",
                  "verbal_at", "change_note"]
        widgets = {"verbal_at": DATETIME}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["baseline"].queryset = WorkPlan.objects.filter(status=WorkPlanStatus.APPROVED) \
            .select_related("project")
        self.fields["form"].initial = ChangeForm.WRITTEN

    def clean(self):
        data = super().clean()
        project, baseline = data.get("project") or getattr(self.instance, "project", None), data.get("baseline")
        if project and baseline and baseline.project_id != project.pk:
            self.add_error("baseline", _t("Pick the approved work plan of this project."))
        return data
