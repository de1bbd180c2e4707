import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm
from core.tabular import guess_format

from .choices import ImportFormat
from .models import MaintenanceWindow, Outage, WebhookEndpoint

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV, XLSX or JSON (array or JSON Lines); see the column "
                                                          "mapping in the guide."))
    format = forms.ChoiceField(label=_("Format"), choices=[("", _("From the file name")), *ImportFormat.choices],
                               required=False)
    external_system = forms.CharField(label=_("External system"), max_length=40, initial="import",
                                      help_text=_("For rows without a system column, e.g. the service desk's name."))
    time_zone = forms.CharField(label=_("Time zone"), max_length=60, required=False,
                                help_text=_("For times without an offset; empty: the contract calendar's."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "format" else "form-control")

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise forms.ValidationError(_("Unknown time zone.")) from None
        return value

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and not data.get("format"):
            data["format"] = guess_format(upload.name)
            if not data["format"]:
                self.add_error("format", _("Choose the format: the file name does not tell it."))
        return data


class IntervalForm(ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from contracts.models import Contract

        self.fields["contract"].queryset = Contract.objects.select_related("customer")
        for name in ("start", "end", "announced_at"):
            self.fields[name].widget = DATETIME
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class OutageForm(IntervalForm):
    class Meta:
        model = Outage
        fields = ["contract", "service", "start", "end", "planned", "announced_at", "description"]


class MaintenanceWindowForm(IntervalForm):
    class Meta:
        model = MaintenanceWindow
        fields = ["contract", "start", "end", "announced_at", "description"]


# ---- import profiles


# ---- data quality


# ---- connectors
from .models import Connector, ImportProfile  # noqa: E402


class ConnectorForm(ModelForm):
    """A connector; its credentials are write-only: never shown again, kept when left empty, replaced whole when
    given (servicedata.connectors.credentials)."""

    login = forms.CharField(label=_("User name or e-mail"), max_length=200, required=False,
                            help_text=_("ServiceNow user, Jira account e-mail; empty: the token is sent as a bearer "
                                        "token."))
    secret = forms.CharField(label=_("Password or token"), max_length=2000, required=False, strip=True,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("ServiceNow password or OAuth token, Jira API token, GLPI user token, "
                                         "Zammad access token."))
    app_token = forms.CharField(label=_("App-Token (GLPI)"), max_length=200, required=False,
                                widget=forms.PasswordInput(render_value=False))
    fieldsets = [(_("Connector"), ["contract", "name", "kind", "base_url", "query", "profile", "enabled",
                                   "interval_minutes", "run_as"]),
                 (_("Credentials"), ["login", "secret", "app_token"])]

    class Meta:
        model = Connector
        fields = ["contract", "name", "kind", "base_url", "query", "profile", "enabled", "interval_minutes",
                  "run_as"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from contracts.models import Contract
        from core.choices import RecordStatus

        self.fields["contract"].queryset = Contract.objects.select_related("customer")
        self.fields["profile"].queryset = ImportProfile.objects.filter(status=RecordStatus.APPROVED)
        if self.instance.pk and self.instance.credentials:
            for name in ("login", "secret", "app_token"):
                self.fields[name].help_text = _("Set. Leave empty to keep the stored credentials; enter new ones "
                                                "to replace them all.")
        self.credentials_replaced = False

    def clean(self):
        from .connectors import credentials

        data = super().clean()
        given = {k: data.get(k, "") for k in credentials.KEYS}
        kind = data.get("kind")
        if any(given.values()) or not self.instance.credentials:
            for name in credentials.missing(kind, given) if kind else ():
                self.add_error(name, _("This service desk needs it."))
        return data

    def save(self, commit=True):
        from .connectors import credentials

        instance = super().save(commit=False)
        given = {k: self.cleaned_data.get(k, "") for k in credentials.KEYS}
        if any(given.values()):
            instance.credentials = credentials.encrypt(given)
            self.credentials_replaced = bool(instance.pk)
        if commit:
            instance.save()
        return instance

    def save_related(self, user):
        from .connectors.credentials import note_replaced

        if self.credentials_replaced:
            note_replaced(self.instance, user)



# ---- webhook endpoints
class WebhookEndpointForm(ModelForm):
    """A contract's live feed: which profile reads its events and whose name its imports carry. The address token
    and the shared secret are made by servicedata.webhook, never typed in."""

    builtin_profile = forms.ChoiceField(label=_("built-in profile"), required=False,
                                        help_text=_("Used when no import profile is chosen; empty: ServPlan's own "
                                                    "columns."))

    class Meta:
        model = WebhookEndpoint
        fields = ["contract", "name", "profile", "builtin_profile", "external_system", "enabled", "run_as"]
        help_texts = {"profile": _("An approved import profile of this contract or a shared one."),
                      "external_system": _("Names the source in ticket keys, e.g. servicenow-acme."),
                      "run_as": _("Whose name the imports are audited under; they must be allowed to import into "
                                  "the contract.")}

    def __init__(self, *args, **kwargs):
        from contracts.models import Contract
        from core.choices import RecordStatus
        from org.models import User

        from .intake import builtin
        from .models import ImportProfile

        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.select_related("customer")
        self.fields["profile"].queryset = ImportProfile.objects.filter(status=RecordStatus.APPROVED)
        self.fields["builtin_profile"].choices = [("", "—"), *builtin.choices()]
        self.fields["run_as"].queryset = User.objects.filter(is_active=True).order_by("username")
        if not self.instance.pk and self.user is not None:
            self.fields["run_as"].initial = self.user.pk

    def clean(self):
        from . import webhook

        data = super().clean()
        for name, message in webhook.setting_errors(data.get("contract"), data.get("profile"),
                                                    data.get("builtin_profile"), data.get("run_as")).items():
            self.add_error(name, message)
        return data
