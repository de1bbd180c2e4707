from django import forms
from django.utils.translation import gettext_lazy as _

# ---- compliance findings and runs ----


# ---- clause map ----

class ClauseScopeForm(forms.Form):
    """The clause map's scope: a period and the contracts and/or projects an audit looks at (none chosen: every
    contract the reader may see)."""

    start = forms.DateField(label=_("period from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("period to"), widget=forms.DateInput(attrs={"type": "date"}))
    contract = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("contracts"))
    project = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("projects"))

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


# ---- external audits ----
