from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, FormsetFormMixin, RowFormSet, RowModelFormSet
from core.rows import ensure_editable

from .models import AnnualGoals, Goal, TaskAllocation

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
