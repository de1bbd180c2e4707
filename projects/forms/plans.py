"""Forms of the project plan (objectives, milestones, risks as row formsets) and the plan review (findings)."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from catalog.models import PriorityTarget
from core.choices import RecordStatus
from core.forms import ControlledRecordForm, FormsetFormMixin, RowFormSet
from core.rows import ensure_editable
from org.models import DELIVERY_ROLES, User

from ..choices import FindingState, ReportSection
from ..models import PlanMilestone, PlanReview, PlanRisk, Project, ProjectPlan, QualityObjective, ReviewFinding
from .project import DATE, ProjectRecordForm


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = QualityObjective
        fields = ["objective", "metric", "target", "measurement", "owner", "sla_target"]

    def __init__(self, *args, tier_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sla_target"].queryset = PriorityTarget.objects.filter(tier_id=tier_id) if tier_id \
            else PriorityTarget.objects.none()
        self.fields["owner"].queryset = User.objects.holding(DELIVERY_ROLES)
        self.fields["owner"].label_from_instance = owner_label


ObjectiveFormSet = inlineformset_factory(ProjectPlan, QualityObjective, form=ObjectiveForm, formset=RowFormSet,
                                         extra=2, can_delete=True)
MilestoneFormSet = inlineformset_factory(ProjectPlan, PlanMilestone, formset=RowFormSet,
                                         fields=["name", "due_date", "deliverable"], widgets={"due_date": DATE},
                                         extra=2, can_delete=True)
def owner_label(user):
    return f"{user} · {user.department or '—'}"


class RiskForm(forms.ModelForm):
    class Meta:
        model = PlanRisk
        fields = ["description", "likelihood", "impact", "response", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.holding(DELIVERY_ROLES)
        self.fields["owner"].label_from_instance = owner_label


RiskFormSet = inlineformset_factory(ProjectPlan, PlanRisk, form=RiskForm, formset=RowFormSet, extra=2,
                                    can_delete=True)


class ProjectPlanForm(FormsetFormMixin, ProjectRecordForm):
    report_sections = forms.MultipleChoiceField(label=_("Report content"), choices=ReportSection.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple,
                                                help_text=ProjectPlan._meta.get_field("report_sections").help_text)
    report_recipients = forms.CharField(label=_("Report recipients"), required=False, widget=forms.Textarea,
                                        help_text=_("One name or e-mail address per line."))

    fieldsets = (
        (_("Plan"), ("project", "title", "owner_department", "confidentiality", "measures", "resources", "schedule",
                     "acceptance_criteria")),
        (_("Service report agreed with the customer"), ("report_period", "report_sections", "report_recipients",
                                                         "report_agreed_with", "change_note")),
    )

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
        ensure_editable(self.instance)
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
        self.fields["plan"].queryset = ProjectPlan.objects.exclude(status=RecordStatus.SUPERSEDED) \
            .select_related("project")
        self.build_formsets(self.data or None, self.files or None)

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)


class ResolveFindingForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=FindingState.choices)
    resolution = forms.CharField(label=_("Resolution"), max_length=500, required=False)
