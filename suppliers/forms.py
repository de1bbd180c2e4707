"""Edit forms of the supplier pages; rows (criteria, list entries) are inline formsets written by `save_related` in
the record's transaction; the evaluator's scores are a form of their own."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, Form, FormsetFormMixin, ModelForm, RowFormSet
from core.rows import ensure_editable

from . import services, terms
from .choices import DEFAULT_CRITERIA
from .models import (
    Certificate,
    EvaluationCriterion,
    QualifiedEntry,
    QualifiedList,
    Supplier,
    SupplierContact,
    SupplierEvaluation,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupplierForm(ModelForm):
    class Meta:
        model = Supplier
        fields = ["code", "name", "name_en", "category", "credit_code", "address", "active", "notes"]


class SupplierContactForm(ModelForm):
    class Meta:
        model = SupplierContact
        fields = ["supplier", "name", "job_title", "phone", "email", "primary"]


class CertificateForm(ModelForm):
    class Meta:
        model = Certificate
        fields = ["supplier", "name", "reference", "issuer", "valid_from", "valid_until"]
        widgets = {"valid_from": DATE, "valid_until": DATE}


# ---- supplier evaluation -------------------------------------------------------------------------------------

class CriterionForm(forms.ModelForm):
    class Meta:
        model = EvaluationCriterion
        fields = ["criterion", "description", "weight"]

    def has_changed(self):
        # A new evaluation's criteria are offered filled in (the usual five): kept as offered when saved unchanged.
        return super().has_changed() or (self.instance.pk is None and bool(self.initial))


class CriterionFormSet(RowFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [form.cleaned_data.get("weight") or 0 for form in self.forms
                   if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        problem = services.weights_message(weights)
        if problem:
            raise ValidationError(problem)


def criterion_formset(extra):
    return inlineformset_factory(SupplierEvaluation, EvaluationCriterion, form=CriterionForm,
                                 formset=CriterionFormSet, extra=extra, can_delete=True)


class SupplierEvaluationForm(FormsetFormMixin, ControlledRecordForm):
    fieldsets = (
        (_("Supplier and period"), ("supplier", "title", "period_from", "period_to", "valid_until", "pass_mark",
                                    "owner_department", "confidentiality")),
        (_("Evaluators and conclusion"), ("evaluators", "conclusion", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = SupplierEvaluation
        fields = ["supplier", "title", "period_from", "period_to", "valid_until", "pass_mark", "owner_department",
                  "confidentiality", "evaluators", "conclusion", "change_note"]
        widgets = {"period_from": DATE, "period_to": DATE, "valid_until": DATE,
                   "evaluators": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from org.models import User

        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: named after the supplier and the period.")
        self.fields["evaluators"].queryset = User.objects.filter(is_active=True).select_related("department") \
            .order_by("department__code", "username")
        self.fields["evaluators"].label_from_instance = lambda u: f"{u} · {u.department or '—'}"
        if not self.instance.pk:
            supplier = self.initial.get("supplier")
            supplier = Supplier.objects.filter(pk=getattr(supplier, "pk", supplier)).first() if supplier else None
            start, end = services.default_period(supplier)
            self.initial.setdefault("period_from", start)
            self.initial.setdefault("period_to", end)
            self.initial.setdefault("valid_until", terms.evaluation_valid_until())
        new = not self.instance.pk
        formset = criterion_formset(len(DEFAULT_CRITERIA) if new else 1)
        initial = [{"criterion": c, "weight": w} for c, w in DEFAULT_CRITERIA] if new else None
        self.formsets = {"criteria": formset(self.data or None, self.files or None, instance=self.instance,
                                             prefix="criteria", initial=initial)}

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)


class ScoresForm(Form):
    """An evaluator's scores: one score (0–100) and a note per criterion."""

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=str(criterion), min_value=0, max_value=100,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0, "max": 100}))
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note"), required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def given(self):
        return [{"criterion": c.pk, "score": self.cleaned_data[f"score_{c.pk}"],
                 "note": self.cleaned_data.get(f"note_{c.pk}", "")} for c in self.criteria]


# ---- the qualified supplier list -------------------------------------------------------------------------------

EntryFormSet = inlineformset_factory(QualifiedList, QualifiedEntry, formset=RowFormSet,
                                     fields=("supplier", "scope", "valid_until"), widgets={"valid_until": DATE},
                                     extra=1, can_delete=True)


class QualifiedListForm(FormsetFormMixin, ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = QualifiedList
        fields = ["title", "review_due", "owner_department", "confidentiality", "change_note"]
        widgets = {"review_due": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.formsets = {"entries": EntryFormSet(self.data or None, self.files or None, instance=self.instance,
                                                 prefix="entries")}

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)
