# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----


# ---- external audits ----
import django_filters as _filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet

from .models import AuditEngagement


class AuditEngagementFilterSet(SearchFilterSet):
    search_fields = ("title", "audit_body", "notes")
    open_on = _filters.DateFilter(label=_("access open on"), method="filter_open_on")

    class Meta:
        model = AuditEngagement
        fields = ["q", "contracts", "coordinator", "open_on"]

    def filter_open_on(self, queryset, name, value):
        from datetime import datetime, time, timedelta

        from django.utils import timezone

        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(access_from__lt=start + timedelta(days=1), access_until__gt=start)
