"""Forms of the internal review (criteria as a row formset) and of a reviewer's verdict."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, FormsetFormMixin, RowFormSet
from core.models import RecordIndex
from core.rows import ensure_editable, set_links
from projects.forms.project import ProjectRecordForm

from ..models.review import InternalReview, ReviewCriterion, Verdict


class CriterionForm(forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["criterion", "source", "reference", "department", "evidence", "evidence_records"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Evidence is one of the project's own records (the register's index row of any type and version).
        self.fields["evidence_records"].queryset = RecordIndex.objects.filter(project_ref=project_id) \
            .order_by("record_type", "number", "version") if project_id else RecordIndex.objects.none()
        self.fields["evidence_records"].required = False


CriterionFormSet = inlineformset_factory(InternalReview, ReviewCriterion, form=CriterionForm, formset=RowFormSet,
                                         extra=1, can_delete=True)


class InternalReviewForm(FormsetFormMixin, ProjectRecordForm):
    fieldsets = (
        (_("Review"), ("project", "title", "owner_department", "confidentiality", "departments", "conclusion",
                       "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = InternalReview
        fields = ["project", "title", "owner_department", "departments", "conclusion", "confidentiality",
                  "change_note"]
        widgets = {"departments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["departments"].widget.attrs = {}
        project_id = self.instance.project_id or (self.data.get("project") if self.data else None) \
            or self.initial.get("project")
        self.formsets = {"criteria": CriterionFormSet(self.data or None, self.files or None, instance=self.instance,
                                                      prefix="criteria", form_kwargs={"project_id": project_id})}

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)
        for form in self.formsets["criteria"].forms:
            if form.instance.pk and not form.cleaned_data.get("DELETE") and "evidence_records" in form.cleaned_data:
                set_links(form.instance, "evidence_records", list(form.cleaned_data["evidence_records"]), user)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deviation = forms.CharField(label=_("Deviation"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("For an accepted deviation: what differs and why it is acceptable."))
