import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm
from core.tabular import guess_format

from .choices import ImportFormat
from .models import MaintenanceWindow, Outage

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


# ---- webhook endpoints
