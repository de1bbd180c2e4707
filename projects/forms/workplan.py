"""Forms of the work plan, its tasks and dependencies, the task XLSX import and progress recording."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, ModelForm
from org.models import User

from ..models import Dependency, Task, TaskProgress, WorkPlan
from ..services import team_user_ids
from .project import DATE, ProjectRecordForm


class WorkPlanForm(ProjectRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = WorkPlan
        fields = ["project", "title", "owner_department", "notes", "confidentiality", "change_note"]


class TaskForm(ModelForm):
    class Meta:
        model = Task
        fields = ["parent", "name", "deliverable", "assignee", "planned_start", "planned_end", "effort_hours",
                  "is_milestone"]
        widgets = {"planned_start": DATE, "planned_end": DATE}

    def __init__(self, *args, work_plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.work_plan = work_plan or self.instance.work_plan
        plan = self.instance.work_plan
        parents = plan.tasks.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        # Only team members are offered; the model's clean() refuses anyone else on every path (API, import).
        self.fields["assignee"].queryset = User.objects.filter(
            pk__in=team_user_ids(plan.project))
        # A summary task's dates are derived from its sub-tasks (services.roll_up_parents): shown, not edited.
        if self.instance.pk and self.instance.children.exists():
            for name in ("planned_start", "planned_end"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Derived from the sub-tasks; change those to move it.")


class DependencyForm(ModelForm):
    class Meta:
        model = Dependency
        fields = ["predecessor", "successor", "lag_days"]

    def __init__(self, *args, work_plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.work_plan = work_plan
        for name in ("predecessor", "successor"):
            self.fields[name].queryset = work_plan.tasks.all()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"))


class ProgressForm(ModelForm):
    task_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = TaskProgress
        fields = ["percent_complete", "state", "actual_start", "actual_end", "note"]
        widgets = {"actual_start": DATE, "actual_end": DATE}
