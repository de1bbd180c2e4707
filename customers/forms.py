from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm

from .choices import ImportKind
from .models import ConfigurationItem, Contact, Customer, OperatingData


class CustomerForm(ModelForm):
    class Meta:
        model = Customer
        fields = ["code", "name", "name_en", "industry", "address", "active", "notes"]


class ContactForm(ModelForm):
    class Meta:
        model = Contact
        fields = ["customer", "name", "job_title", "department", "phone", "email", "primary", "notes"]


class ConfigurationItemForm(ModelForm):
    class Meta:
        model = ConfigurationItem
        fields = ["customer", "kind", "name", "model_version", "count", "location", "notes"]


class OperatingDataForm(ModelForm):
    period = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                             input_formats=["%Y-%m", "%Y-%m-%d"],
                             help_text=_("The month the figures are for."))

    class Meta:
        model = OperatingData
        fields = ["customer", "period", "ticket_volume", "incident_count", "major_incident_count",
                  "availability_percent", "downtime_minutes", "notes"]

    def clean_period(self):
        period = self.cleaned_data["period"]
        return period.replace(day=1) if period else period


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"
