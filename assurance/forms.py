# ---- compliance findings and runs ----
"""The forms of audit readiness, one section per part."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form


class AcceptFindingForm(Form):
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Why this is no nonconformity, or the risk knowingly taken; kept in "
                                                "the audit trail."))


# ---- clause map ----


# ---- evidence packs ----


# ---- external audits ----
