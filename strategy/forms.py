from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.forms import BootstrapMixin, ControlledRecordForm, FormsetFormMixin, RowFormSet, RowModelFormSet
from core.rows import ensure_editable

from .choices import DecisionStatus
from .models import AnnualGoals, Decision, Goal, ManagementReview, TaskAllocation

GoalFormSet = inlineformset_factory(AnnualGoals, Goal, formset=RowFormSet,
                                    fields=["code", "name", "measure", "target", "owner_department"], extra=3,
                                    can_delete=True)


class AllocationForm(forms.ModelForm):
    class Meta:
        model = TaskAllocation
        fields = ["goal", "task", "department", "responsible", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AllocationFormSet(RowModelFormSet):
    """Task allocations of all goals of one record, edited as one flat table (goal chosen per row)."""

    def __init__(self, *args, goals_record=None, **kwargs):
        self.goals_record = goals_record
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if self.goals_record is None or not self.goals_record.pk:
            return TaskAllocation.objects.none()
        return TaskAllocation.objects.filter(goal__annual_goals=self.goals_record).select_related("goal")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.fields["goal"].queryset = Goal.objects.filter(annual_goals=self.goals_record) \
            if self.goals_record is not None and self.goals_record.pk else Goal.objects.none()
        return form


AllocationModelFormSet = forms.modelformset_factory(TaskAllocation, form=AllocationForm, formset=AllocationFormSet,
                                                    extra=3, can_delete=True)


class AnnualGoalsForm(FormsetFormMixin, ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = AnnualGoals
        fields = ["title", "year", "owner_department", "summary", "confidentiality", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.build_formsets(self.data or None, self.files or None)

    def build_formsets(self, data=None, files=None):
        self.formsets = {"goals": GoalFormSet(data, files, instance=self.instance, prefix="goals")}
        if self.instance.pk:
            self.formsets["allocations"] = AllocationModelFormSet(data, files, prefix="allocations",
                                                                  goals_record=self.instance)

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)


ALLOCATION_HELP = _("Allocate each goal's tasks to departments; save the goals first to allocate new ones.")


# ---- the management review -------------------------------------------------------------------------------
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ManagementReviewForm(ControlledRecordForm):
    fieldsets = (
        (_("Review"), ("title", "period_start", "period_end", "meeting_date", "attendees", "owner_department",
                       "confidentiality", "change_note")),
        (_("The Management Representative's advice"), ("advice_policy", "advice_industry", "advice_business")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = ManagementReview
        fields = ["title", "period_start", "period_end", "meeting_date", "attendees", "owner_department",
                  "confidentiality", "change_note", "advice_policy", "advice_industry", "advice_business"]
        widgets = {"period_start": DATE, "period_end": DATE, "meeting_date": DATE,
                   "advice_policy": forms.Textarea(attrs={"rows": 4}),
                   "advice_industry": forms.Textarea(attrs={"rows": 4}),
                   "advice_business": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: “Management review” and the period.")
        self.fields["attendees"].queryset = self.fields["attendees"].queryset.filter(is_active=True) \
            .order_by("department__name", "last_name", "first_name")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["kind", "decision", "owner", "due_date", "goal"]
        widgets = {"due_date": DATE, "decision": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(annual_goals__status=RecordStatus.APPROVED) \
            .select_related("annual_goals").order_by("-annual_goals__year", "code")
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(is_active=True)


DecisionFormSet = inlineformset_factory(ManagementReview, Decision, form=DecisionForm, formset=RowFormSet, extra=3,
                                        can_delete=True)


class TrackDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DecisionStatus.choices)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionEditForm(BootstrapMixin, DecisionForm):
    """One decision on its own page: added to a review being prepared or decided; its review stays."""

    class Meta(DecisionForm.Meta):
        fields = ["review", "kind", "decision", "owner", "due_date", "goal"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from .review import CONTENT_STATES

        self.fields["review"].queryset = ManagementReview.objects.filter(status__in=CONTENT_STATES) \
            | ManagementReview.objects.filter(pk=self.instance.review_id or 0)
        if self.instance.pk:
            self.fields["review"].disabled = True
