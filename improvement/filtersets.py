"""The register's filters (one FilterSet for the list page and the API): source kind, contract, owner, status,
overdue."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet

from .choices import ImprovementStatus
from .models import Improvement


class ImprovementFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "plan", "source_label", "source_reference")
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("overdue"))

    class Meta:
        model = Improvement
        fields = ["q", "status", "source_kind", "contract", "owner", "measure", "effective", "overdue"]

    def only_overdue(self, queryset, name, value):
        late = {"status__in": (ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS),
                "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
