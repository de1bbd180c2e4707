from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.forms import FormsetFormMixin, RowFormSet
from catalog.models import PriorityTarget
from core.forms import ControlledRecordForm, ModelForm
from core.roles import Role
from org.models import User

from . import services
from .choices import ChangeForm, FindingState, ReportSection
from .models import (
    ChangeRequest,
    Dependency,
    InitiationApplication,
    InitiationPlan,
    PlanMilestone,
    PlanReview,
    PlanRisk,
    Project,
    ProjectPlan,
    QualityObjective,
    ReviewFinding,
    Task,
    TaskProgress,
    TeamMember,
    WorkPlan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def open_projects():
    return Project.objects.filter(status="open").order_by("-created")


class ProjectOpenForm(ModelForm):
    """Opening a project (立项) from a signed contract (the view calls services.open_project); editing it later."""

    class Meta:
        model = Project
        fields = ["contract", "name", "category", "description", "goals"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from strategy.models import Goal

        self.fields["goals"].queryset = Goal.objects.filter(annual_goals__status="approved") \
            .select_related("annual_goals")
        self.fields["goals"].required = False
        self.fields["name"].required = False
        if self.instance.pk:
            self.fields["contract"].disabled = True
        else:
            self.fields["contract"].queryset = services.signed_contracts().filter(projects__isnull=True) \
                .select_related("customer")
            self.fields["contract"].help_text = _("Only signed contracts without a project are listed.")


class AppointForm(forms.Form):
    manager = forms.ModelChoiceField(label=_("Project manager"), queryset=User.objects.none(),
                                     widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = User.objects.filter(role_assignments__role=Role.PROJECT_MANAGER,
                                                              is_active=True).distinct()


class TeamMemberForm(ModelForm):
    class Meta:
        model = TeamMember
        fields = ["user", "role", "allocation", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project or self.instance.project
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(role_assignments__role="auditor")
        if not self.instance.pk and project is not None:
            self.initial.setdefault("start_date", project.start_date)
            self.initial.setdefault("end_date", project.end_date)


class ProgressForm(ModelForm):
    task_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = TaskProgress
        fields = ["percent_complete", "state", "actual_start", "actual_end", "note"]
        widgets = {"actual_start": DATE, "actual_end": DATE}


# ---- records --------------------------------------------------------------------------------

class ProjectRecordForm(ControlledRecordForm):
    """A project's record: the project is chosen once (prefilled from ?project=) and fixed afterwards."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "project" in self.fields:
            self.fields["project"].queryset = open_projects()
            if self.instance.pk:
                self.fields["project"].disabled = True


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
        self.fields["contract"].queryset = services.signed_contracts()

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


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = QualityObjective
        fields = ["objective", "metric", "target", "measurement", "owner", "sla_target"]

    def __init__(self, *args, tier_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sla_target"].queryset = PriorityTarget.objects.filter(tier_id=tier_id) if tier_id \
            else PriorityTarget.objects.none()
        self.fields["owner"].queryset = User.objects.filter(is_active=True)


ObjectiveFormSet = inlineformset_factory(ProjectPlan, QualityObjective, form=ObjectiveForm, formset=RowFormSet,
                                         extra=2, can_delete=True)
MilestoneFormSet = inlineformset_factory(ProjectPlan, PlanMilestone, formset=RowFormSet,
                                         fields=["name", "due_date", "deliverable"], widgets={"due_date": DATE},
                                         extra=2, can_delete=True)
RiskFormSet = inlineformset_factory(ProjectPlan, PlanRisk, formset=RowFormSet,
                                    fields=["description", "likelihood", "impact", "response", "owner"],
                                    extra=2, can_delete=True)


class ProjectPlanForm(FormsetFormMixin, ProjectRecordForm):
    report_sections = forms.MultipleChoiceField(label=_("Report content"), choices=ReportSection.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple,
                                                help_text=ProjectPlan._meta.get_field("report_sections").help_text)
    report_recipients = forms.CharField(label=_("Report recipients"), required=False, widget=forms.Textarea,
                                        help_text=_("One name or e-mail address per line."))

    class Meta(ControlledRecordForm.Meta):
        model = ProjectPlan
        fields = ["project", "title", "owner_department", "measures", "resources", "schedule", "acceptance_criteria",
                  "report_period", "report_sections", "report_recipients", "report_agreed_with", "confidentiality",
                  "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["report_sections"].widget.attrs = {}
        self.initial["report_recipients"] = "\n".join(self.instance.report_recipients or [])
        project_id = self.data.get("project") if self.data else None
        project = self.instance.project if self.instance.project_id else \
            Project.objects.filter(pk=project_id or self.initial.get("project") or 0).select_related("contract").first()
        self.tier_id = project.contract.service_tier_id if project else None
        self.build_formsets(self.data or None, self.files or None)

    def build_formsets(self, data=None, files=None):
        self.formsets = {
            "objectives": ObjectiveFormSet(data, files, instance=self.instance, prefix="objectives",
                                           form_kwargs={"tier_id": self.tier_id}),
            "milestones": MilestoneFormSet(data, files, instance=self.instance, prefix="milestones"),
            "risks": RiskFormSet(data, files, instance=self.instance, prefix="risks"),
        }

    def clean_report_recipients(self):
        return [line.strip() for line in self.cleaned_data["report_recipients"].splitlines() if line.strip()]

    def save_related(self, user):
        services.ensure_editable(self.instance)
        self.save_formsets(user)


FindingFormSet = inlineformset_factory(PlanReview, ReviewFinding, formset=RowFormSet,
                                       fields=["description", "severity", "raised_by", "state", "resolution"],
                                       extra=3, can_delete=True)


class PlanReviewForm(FormsetFormMixin, ProjectRecordForm):
    formset_classes = {"findings": FindingFormSet}

    class Meta(ControlledRecordForm.Meta):
        model = PlanReview
        fields = ["project", "plan", "title", "owner_department", "held_on", "location", "reviewers", "verdict",
                  "summary", "change_note"]
        widgets = {"held_on": DATE, "reviewers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["reviewers"].widget.attrs = {}
        self.fields["reviewers"].queryset = User.objects.filter(is_active=True).exclude(
            role_assignments__role__in=["auditor", "admin"])
        self.fields["plan"].queryset = ProjectPlan.objects.exclude(status="superseded").select_related("project")
        self.build_formsets(self.data or None, self.files or None)

    def save_related(self, user):
        services.ensure_editable(self.instance)
        self.save_formsets(user)


class ResolveFindingForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=FindingState.choices)
    resolution = forms.CharField(label=_("Resolution"), max_length=500, required=False)


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
            pk__in=services.team_user_ids(plan.project))


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


class ChangeRequestForm(ProjectRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ChangeRequest
        fields = ["project", "title", "owner_department", "baseline", "kind", "reason", "form", "verbal_from",
                  "verbal_at", "change_note"]
        widgets = {"verbal_at": DATETIME}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["baseline"].queryset = WorkPlan.objects.filter(status="approved").select_related("project")
        self.fields["form"].initial = ChangeForm.WRITTEN

    def clean(self):
        data = super().clean()
        project, baseline = data.get("project") or getattr(self.instance, "project", None), data.get("baseline")
        if project and baseline and baseline.project_id != project.pk:
            self.add_error("baseline", _t("Pick the approved work plan of this project."))
        return data
