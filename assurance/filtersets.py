"""The filters of audit readiness: one FilterSet per model for its page and its API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.compliance import Severity
from core.filtersets import SearchFilterSet

from .choices import FindingStatus, RunState, RunTrigger
from .models import AuditEngagement, ComplianceRun, EvidencePack, Finding

# ---- compliance findings and runs ----


def rule_choices():
    from core import compliance

    return [(r.id, f"{r.id} {r.title}") for r in compliance.rules()]


def clause_choices():
    from core import compliance

    return [(clause, clause) for clause in sorted({r.clause for r in compliance.rules()},
                                                  key=lambda c: [int(p) if p.isdigit() else 0 for p in c.split(".")])]


class FindingFilterSet(SearchFilterSet):
    search_fields = ("object_label", "rule_id", "justification")
    rule_id = django_filters.MultipleChoiceFilter(choices=rule_choices, label=_("rule"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("severity"))
    clause = django_filters.MultipleChoiceFilter(choices=clause_choices, label=_("clause"))
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, label=_("status"))

    class Meta:
        model = Finding
        fields = ["q", "rule_id", "severity", "clause", "status", "contract", "project"]


class ComplianceRunFilterSet(SearchFilterSet):
    trigger = django_filters.ChoiceFilter(choices=RunTrigger.choices, label=_("trigger"))
    state = django_filters.ChoiceFilter(choices=RunState.choices, label=_("state"))
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("from"))
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = ComplianceRun
        fields = ["trigger", "state", "started_after", "started_before"]


# ---- evidence packs ----


class EvidencePackFilterSet(SearchFilterSet):
    search_fields = ("title", "content_hash")

    class Meta:
        model = EvidencePack
        fields = ("q", "state", "requested_by", "contracts", "projects")


# ---- external audits ----


class AuditEngagementFilterSet(SearchFilterSet):
    search_fields = ("title", "audit_body", "notes")
    open_on = django_filters.DateFilter(label=_("access open on"), method="filter_open_on")

    class Meta:
        model = AuditEngagement
        fields = ["q", "contracts", "coordinator", "open_on"]

    def filter_open_on(self, queryset, name, value):
        from datetime import datetime, time, timedelta

        from django.utils import timezone

        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(access_from__lt=start + timedelta(days=1), access_until__gt=start)
