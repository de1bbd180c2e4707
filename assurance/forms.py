"""The forms of audit readiness."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm
from core.roles import STAFF

from .models import AuditEngagement, EvidencePack

# ---- compliance findings and runs ----


class AcceptFindingForm(Form):
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Why this is no nonconformity, or the risk knowingly taken; kept in "
                                                "the audit trail."))


# ---- clause map ----

LARGEST_ID = 2**63 - 1  # a database integer


class IdChoices(forms.ModelMultipleChoiceField):
    """Rows chosen by id; an id no database integer holds is no choice at all (never sent to the database)."""

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdigit() or int(pk) > LARGEST_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
        return super()._check_values(value)


class ClauseScopeForm(forms.Form):
    """The clause map's scope: a period and the contracts and/or projects an audit looks at (none chosen: every
    contract the reader may see)."""

    start = forms.DateField(label=_("period from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("period to"), widget=forms.DateInput(attrs={"type": "date"}))
    contract = IdChoices(queryset=None, required=False, label=_("contracts"))
    project = IdChoices(queryset=None, required=False, label=_("projects"))

    def __init__(self, data=None, *, user, **kwargs):
        from contracts.models import Contract
        from projects.models import Project

        from .clausemap.evidence import default_period

        start, end = default_period()
        data = data.copy() if data is not None else {}
        for name, value in (("start", start), ("end", end)):
            if not data.get(name):
                data[name] = value.isoformat()
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["contract"].queryset = Contract.objects.restrict(user, "view").order_by("number", "version")
        self.fields["project"].queryset = Project.objects.restrict(user, "view").order_by("code")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The period ends before it starts."))
        if cleaned.get("end") and cleaned["end"] >= date.max:
            self.add_error("end", _("Choose an earlier end of the period."))
        return cleaned

    def scope(self):
        """The AuditScope chosen (the form must be valid)."""
        from .scope import AuditScope

        contracts = list(self.cleaned_data["contract"])
        projects = list(self.cleaned_data["project"])
        if not contracts and not projects:
            contracts = list(self.fields["contract"].queryset)
        return AuditScope.of(contracts, projects, self.cleaned_data["start"], self.cleaned_data["end"])


# ---- evidence packs ----


class EvidencePackForm(ModelForm):
    """What a pack covers: a period and contracts and/or projects (the choices are those the user may see)."""

    fieldsets = ((_("Evidence pack"), ("title", "period_start", "period_end")),
                 (_("Scope"), ("contracts", "projects")))

    class Meta:
        model = EvidencePack
        fields = ("title", "period_start", "period_end", "contracts", "projects")
        field_classes = {"contracts": IdChoices, "projects": IdChoices}
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}),
                   "period_end": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        if not data.get("contracts") and not data.get("projects"):
            raise forms.ValidationError(_("Choose at least one contract or project."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        if end and end >= date.max:
            self.add_error("period_end", _("Choose an earlier end of the period."))
        return data


# ---- external audits ----


class AuditEngagementForm(ModelForm):
    """An external audit: who audits, what (the sample of contracts and the period) and when they may sign in."""

    class Meta:
        model = AuditEngagement
        fields = ["title", "audit_body", "period_start", "period_end", "access_from", "access_until", "contracts",
                  "coordinator", "notes"]
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}),
                   "period_end": forms.DateInput(attrs={"type": "date"}),
                   "access_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
                   "access_until": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        help_texts = {"access_until": _("The external auditors' accounts sign in only between these times."),
                      "contracts": _("The audit sample: the external auditors see these contracts, their projects "
                                     "and their records.")}
        field_classes = {"contracts": IdChoices}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["coordinator"].queryset = get_user_model().objects.holding(STAFF)


class InviteAuditorForm(forms.Form):
    """An external auditor's account for an external audit: a new one, or one an earlier audit created."""

    username = forms.CharField(label=_("user name"), max_length=150)
    last_name = forms.CharField(label=_("family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    password = forms.CharField(label=_("password"), required=False, strip=False,
                                widget=forms.PasswordInput(render_value=False),
                                help_text=_("For a new account; leave empty to keep an existing account's password."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
