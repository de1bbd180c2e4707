# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----


# ---- external audits ----
from django import forms as _forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm
from core.roles import STAFF

from .models import AuditEngagement


class AuditEngagementForm(ModelForm):
    """An external audit: who audits, what (the sample of contracts and the period) and when they may sign in."""

    class Meta:
        model = AuditEngagement
        fields = ["title", "audit_body", "period_start", "period_end", "access_from", "access_until", "contracts",
                  "coordinator", "notes"]
        widgets = {"period_start": _forms.DateInput(attrs={"type": "date"}),
                   "period_end": _forms.DateInput(attrs={"type": "date"}),
                   "access_from": _forms.DateTimeInput(attrs={"type": "datetime-local"}),
                   "access_until": _forms.DateTimeInput(attrs={"type": "datetime-local"})}
        help_texts = {"access_until": _("The external auditors' accounts sign in only between these times."),
                      "contracts": _("The audit sample: the external auditors see these contracts, their projects "
                                     "and their records.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["coordinator"].queryset = get_user_model().objects.holding(STAFF)


class InviteAuditorForm(_forms.Form):
    """An external auditor's account for an external audit: a new one, or one an earlier audit created."""

    username = _forms.CharField(label=_("user name"), max_length=150)
    last_name = _forms.CharField(label=_("family name"), max_length=150, required=False)
    first_name = _forms.CharField(label=_("given name"), max_length=150, required=False)
    email = _forms.EmailField(label=_("e-mail"), required=False)
    password = _forms.CharField(label=_("password"), required=False, strip=False,
                                widget=_forms.PasswordInput(render_value=False),
                                help_text=_("For a new account; leave empty to keep an existing account's password."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
