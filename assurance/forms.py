# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----
import django.forms as django_forms
from django.utils.translation import gettext_lazy as _p

from core.forms import ModelForm as _PackModelForm

from .models import EvidencePack as _EvidencePack


class EvidencePackForm(_PackModelForm):
    """What a pack covers: a period and contracts and/or projects (the choices are those the user may see)."""

    fieldsets = ((_p("Evidence pack"), ("title", "period_start", "period_end")),
                 (_p("Scope"), ("contracts", "projects")))

    class Meta:
        model = _EvidencePack
        fields = ("title", "period_start", "period_end", "contracts", "projects")
        widgets = {"period_start": django_forms.DateInput(attrs={"type": "date"}),
                   "period_end": django_forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        if not data.get("contracts") and not data.get("projects"):
            raise django_forms.ValidationError(_p("Choose at least one contract or project."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _p("The period must end on or after its start."))
        return data



# ---- external audits ----
