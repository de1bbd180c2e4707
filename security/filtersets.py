"""Filter sets of information security incidents (one per model: the list page and the API share it)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.filtersets import ControlledRecordFilterSet, FilterSet

from .choices import Detection, Severity
from .models import IncidentTask, SecurityIncident


class SecurityIncidentFilterSet(ControlledRecordFilterSet):
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("severity"))
    detection = django_filters.MultipleChoiceFilter(choices=Detection.choices, label=_("detected by"))

    class Meta:
        model = SecurityIncident
        fields = ["q", "status", "contract", "severity", "detection", "created_after", "created_before"]


class IncidentTaskFilterSet(FilterSet):
    class Meta:
        model = IncidentTask
        fields = ["incident", "owner", "done"]
