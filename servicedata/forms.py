import zoneinfo
from functools import partial

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, FormsetFormMixin, ModelForm, RowFormSet
from core.tabular import guess_format

from .choices import ImportFormat
from .models import (
    Connector,
    ImportProfile,
    MaintenanceWindow,
    Outage,
    ProfileColumn,
    ProfileRule,
    ProfileValue,
    WebhookEndpoint,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")



def zone_name(value) -> str:
    """A time zone field: empty, or a zone's IANA name (Asia/Shanghai)."""
    value = (value or "").strip()
    if value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone.")) from None
    return value

class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV, XLSX or JSON (array or JSON Lines); see the column "
                                                          "mapping in the guide."))
    format = forms.ChoiceField(label=_("Format"), choices=[("", _("From the file name")), *ImportFormat.choices],
                               required=False)
    external_system = forms.CharField(label=_("External system"), max_length=40, initial="import", required=False,
                                      help_text=_("For rows without a system column, e.g. the service desk's name "
                                                  "(with a profile: empty takes the profile's)."))
    time_zone = forms.CharField(label=_("Time zone"), max_length=60, required=False,
                                help_text=_("For times without an offset; empty: the contract calendar's."))
    profile = forms.ChoiceField(label=_("Import profile"), required=False, choices=[("", _("ServPlan columns"))],
                                help_text=_("How the file is read. A file from a known service desk is recognised "
                                            "from its header; a profile is previewed before anything is written."))

    def __init__(self, *args, contract=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contract is not None and user is not None:
            from .intake.profiles import choices

            self.fields["profile"].choices = choices(contract, user)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name in ("format", "profile") else "form-control")

    def clean_time_zone(self):
        return zone_name(self.cleaned_data.get("time_zone"))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and not data.get("format"):
            data["format"] = guess_format(upload.name)
            if not data["format"]:
                self.add_error("format", _("Choose the format: the file name does not tell it."))
        return data


class PreviewChoiceForm(forms.Form):
    """The profile a previewed upload is read with (choose another to preview again)."""

    profile = forms.ChoiceField(label=_("Import profile"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = choices
        self.fields["profile"].widget.attrs["class"] = "form-select"


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

class LinesField(forms.CharField):
    """A list of strings edited one per line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


ColumnFormSet = inlineformset_factory(ImportProfile, ProfileColumn, formset=RowFormSet,
                                      fields=("field", "column", "default"), extra=1, can_delete=True)
ValueFormSet = inlineformset_factory(ImportProfile, ProfileValue, formset=RowFormSet,
                                     fields=("field", "value", "code"), extra=1, can_delete=True)
RuleFormSet = inlineformset_factory(ImportProfile, ProfileRule, formset=RowFormSet,
                                    fields=("anomaly", "action"), extra=1, can_delete=True)


class ImportProfileForm(FormsetFormMixin, ControlledRecordForm):
    """The profile's settings in sections and its three row tables (columns, values, data-quality rules); the
    rows are checked together by servicedata.intake.profiles.problems, which names the row."""

    formset_classes = {"columns": ColumnFormSet, "values": ValueFormSet, "rules": RuleFormSet}
    date_formats = LinesField(label=_("date formats"), required=False, help_text=_(
        "One per line, tried in order after ISO 8601, e.g. %d/%b/%y %I:%M %p."))
    first_response_statuses = LinesField(label=_("first response statuses"), required=False, help_text=_(
        "One per line: source statuses whose first entry in a ticket's history is its first response."))
    pause_statuses = LinesField(label=_("waiting statuses"), required=False, help_text=_(
        "One per line: source statuses during which the resolution clock stops (e.g. On Hold)."))
    fieldsets = (
        (_("Profile"), ("title", "contract", "tool", "based_on", "owner_department", "confidentiality",
                        "change_note")),
        (_("How the source is read"), ("format", "encoding", "records_path", "external_system", "time_zone",
                                       "date_formats", "first_response_statuses", "pause_statuses")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = ImportProfile
        fields = ["title", "contract", "tool", "based_on", "owner_department", "confidentiality", "format",
                  "encoding", "records_path", "external_system", "time_zone", "date_formats",
                  "first_response_statuses", "pause_statuses", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from contracts.models import Contract

        self.fields["contract"].queryset = Contract.objects.select_related("customer")
        self.fields["based_on"].disabled = True
        self.build_formsets(self.data or None, self.files or None)

    def clean_time_zone(self):
        return zone_name(self.cleaned_data.get("time_zone"))

    def is_valid(self):
        valid = super().is_valid()
        return self._check_rows() and valid

    def _check_rows(self):
        """The profile's rows as they will be saved (deleted rows left out), checked together."""
        from .intake.profiles import problems

        def kept(formset):
            return [f for f in formset.forms if f.has_changed() or f.instance.pk
                    if not formset.can_delete or not f.cleaned_data.get("DELETE")] \
                if all(hasattr(f, "cleaned_data") for f in formset.forms) else None

        columns, rules = kept(self.formsets["columns"]), kept(self.formsets["rules"])
        if columns is None or rules is None:
            return False
        found = problems([f.cleaned_data for f in columns if f.cleaned_data],
                         [f.cleaned_data for f in rules if f.cleaned_data])
        for name, index, message in found:
            formset = self.formsets[name]
            if index is not None:
                [f for f in rules if f.cleaned_data][index - 1].add_error("action", message)
            else:
                formset._non_form_errors.append(message)
        return not found

    def save_related(self, user):
        self.save_formsets(user)


# ---- data quality


# ---- connectors


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
        # An address typed without a scheme is read as https (a service desk's API is never plain http here).
        field_classes = {"base_url": partial(forms.URLField, assume_scheme="https")}

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

    builtin_profile = forms.ChoiceField(label=_("Built-in profile"), required=False,
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
