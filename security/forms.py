"""Forms of information security incidents: the incident with its solution tasks, marking a ticket, the settings."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, FormsetFormMixin, RowFormSet
from core.rows import ensure_editable
from org.models import User

from .choices import Severity
from .models import EscalationStep, IncidentTask, SecurityIncident, SecuritySettings

TaskFormSet = inlineformset_factory(SecurityIncident, IncidentTask, formset=RowFormSet,
                                   fields=["description", "owner", "due", "done"], extra=2, can_delete=True)


class SecurityIncidentForm(FormsetFormMixin, ControlledRecordForm):
    formset_classes = {"tasks": TaskFormSet}

    fieldsets = (
        (_("Incident"), ("contract", "title", "severity", "description", "owner_department", "confidentiality")),
        (_("Who may see it"), ("members",)),
        (_("Solution (drawn up with the PM)"), ("project_manager", "solution")),
        (_("Verification (Service Department)"), ("verification", "verified_on", "verified_by", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = SecurityIncident
        fields = ["contract", "title", "severity", "description", "owner_department", "confidentiality", "members",
                  "project_manager", "solution", "verification", "verified_on", "verified_by", "change_note"]
        widgets = {"verified_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        people = User.objects.filter(is_active=True).order_by("username")
        for name in ("members", "project_manager", "verified_by"):
            self.fields[name].queryset = people
        if self.instance.pk:
            self.fields["contract"].disabled = True
        self.build_formsets(self.data or None, self.files or None)

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)


class MarkTicketForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    description = forms.CharField(label=_("What happened"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))


class SecuritySettingsForm(forms.ModelForm):
    class Meta:
        model = SecuritySettings
        fields = ["keywords", "honour_import_column", "acknowledge_minutes", "director"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["director"].queryset = User.objects.filter(is_active=True).order_by("username")
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else \
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


ChainFormSet = inlineformset_factory(SecuritySettings, EscalationStep, fields=["position", "person"], extra=2,
                                    can_delete=True)
