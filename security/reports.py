"""Security incidents in the internal report, the project summary report and the management review
(core.report_sections). The monthly report goes to the customer: it has no security section.

Sections are frozen into reports that more people read than may open an incident, so they hold counts, numbers,
titles and states only: no description, solution or people.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import report_sections as rs

from .choices import OPEN_STATES, IncidentStatus
from .models import SecurityIncident


def _of_contracts(contracts):
    numbers = {c.number for c in contracts}
    return SecurityIncident.objects.filter(contract__number__in=numbers).exclude(
        status__in=(IncidentStatus.DRAFT, IncidentStatus.SUPERSEDED))


def _in_period(rows, scope):
    """New in the period (reported in it) or open at its end (reported before the end, not closed by then)."""
    new = Q(reported_at__gte=scope.start, reported_at__lt=scope.end)
    return rows.filter(new | Q(reported_at__lt=scope.end, status__in=OPEN_STATES)), rows.filter(new)


def _local_date(value):
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def internal_section(scope):
    rows, new = _in_period(_of_contracts(scope.contracts), scope)
    listed = list(rows.select_related("contract").order_by("reported_at", "pk"))
    still_open = sum(incident.status in OPEN_STATES for incident in listed)
    note = _t("Information security incidents: %(new)s new in the period, %(open)s open at its end.") % {
        "new": new.count(), "open": still_open}
    return rs.Section("security_incidents", _t("Information security incidents"),
                      [_t("Number"), _t("Title"), _t("Contract"), _t("Reported"), _t("State")],
                      [[i.number, i.title, i.contract.number, _local_date(i.reported_at), str(i.get_status_display())]
                       for i in listed], note)


def summary_section(scope):
    rows = _of_contracts(scope.contracts).filter(reported_at__lt=scope.end)
    total = rows.count()
    closed = rows.filter(status=IncidentStatus.CLOSED).count()
    if not total:
        return rs.Section("security_incidents", _t("Information security incidents"),
                          note=_t("No information security incident was recorded for this contract."))
    escalated = rows.filter(escalation_level__gt=0).count()
    return rs.Section("security_incidents", _t("Information security incidents"),
                      [_t("Recorded"), _t("Closed"), _t("Open"), _t("Escalated before acknowledgement")],
                      [[total, closed, total - closed, escalated]])


rs.register(rs.INTERNAL, internal_section)
rs.register(rs.SUMMARY, summary_section)
# The management review: the same list over the review's period, across every contract in force in it.
rs.register(rs.MANAGEMENT, internal_section)
