"""The improvement's form (prefilled from its source when raised from one) and the effectiveness check's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, Form

from .choices import ImprovementStatus
from .models import Improvement


class ImprovementForm(ControlledRecordForm):
    fieldsets = (
        (_("Source"), ("title", "contract", "source_kind", "source_label", "source_reference", "owner_department",
                       "confidentiality")),
        (_("Plan"), ("owner", "due_date", "plan", "implemented_on", "change_note")),
        (_("Measure"), ("measure", "measure_priority", "measure_category", "target_value", "check_months")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = Improvement
        fields = ["title", "contract", "source_kind", "source_label", "source_reference", "owner_department",
                  "confidentiality", "owner", "due_date", "plan", "implemented_on", "measure", "measure_priority",
                  "measure_category", "target_value", "check_months", "change_note"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}),
                   "implemented_on": forms.DateInput(attrs={"type": "date"}),
                   "plan": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, source=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.source = source
        self.fields["title"].required = False
        if source is not None:
            # Raised from a record: the link is kept as raised; the kind and label come from it.
            for name in ("source_kind", "source_label"):
                self.fields[name].disabled = True
        if self.instance.pk and self.instance.status != ImprovementStatus.DRAFT:
            # The baseline was taken for this measure and contract: fixed once the work started.
            for name in ("contract", "measure", "measure_priority", "measure_category", "source_kind",
                         "source_label"):
                self.fields[name].disabled = True
        if not self.instance.pk or self.instance.status == ImprovementStatus.DRAFT:
            self.fields["implemented_on"].disabled = True
            self.fields["implemented_on"].help_text = _("Stated once the work has started.")

    def clean(self):
        data = super().clean()
        if self.source is not None:
            from .services import link_source

            link_source(self.instance, self.source)
        if not data.get("title") and not self.instance.title:
            data["title"] = ""
        return data

    def save_related(self, user):
        from .services import ensure_baseline

        ensure_baseline(self.instance, user)


class CheckForm(Form):
    effective = forms.TypedChoiceField(
        label=_("Conclusion"), coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        choices=(("yes", _("Effective: the measure moved as planned")),
                 ("no", _("Not effective: reopen with a new plan or follow up"))))
    conclusion = forms.CharField(label=_("Reviewer's conclusion"), widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("What the figures show and why the improvement is (not) effective."))
