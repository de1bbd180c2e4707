"""The improvement register's sections of the reports (core.report_sections, issue 13 point 5): the monthly and
internal reports list the improvements of their contracts raised in the period or still open; the project summary
report lists every improvement of the project's contract. Generated in the company's language and frozen with the
report's figures.

The management review (issue 14) reads three sections over its period, across every contract and company-wide:
the improvements' status and effectiveness (raised in the period, open at its end or closed in it), the customer
complaints (improvements of source "customer complaint") and the audit findings (improvements raised from internal
or external audit findings: the audits themselves are not recorded in ServPlan yet)."""

from django.db.models import Q
from django.utils.translation import gettext as _t

from core import report_sections as rs

from . import services
from .choices import OPEN_STATES, ImprovementStatus, SourceKind
from .models import Improvement


def _columns():
    return [_t("Number"), _t("Title"), _t("Source"), _t("Owner"), _t("Due date"), _t("Status"),
            _t("Measure"), _t("Baseline → after")]


def _row(improvement):
    return [improvement.number, improvement.title, improvement.source_text, str(improvement.owner),
            f"{improvement.due_date:%Y-%m-%d}", str(improvement.get_status_display()), improvement.measure_label,
            services.baseline_after_text(improvement)]


def _section(rows, empty_note):
    return rs.Section("improvements", _t("Improvements"), _columns(), [_row(i) for i in rows],
                      note="" if rows else empty_note)


def period_improvements(scope):
    if not scope.contracts:
        return None
    rows = list(services.for_contracts(scope.contracts, scope.start, scope.end))
    return _section(rows, _t("No improvement was raised in the period or is open for these contracts."))


def project_improvements(scope):
    numbers = sorted({c.number for c in scope.contracts})
    if not numbers:
        return None
    rows = list(Improvement.objects.filter(contract__number__in=numbers, successor__isnull=True)
                .select_related("owner", "contract").order_by("number"))
    return _section(rows, _t("No improvement was raised for the project's contract."))


def _of_period(scope):
    """Latest versions, of the period's contracts or company-wide: raised in the period, open, or closed in it."""
    numbers = sorted({c.number for c in scope.contracts})
    touched = Q(created__gte=scope.start, created__lt=scope.end) | Q(status__in=OPEN_STATES) | \
        Q(checked_at__gte=scope.start, checked_at__lt=scope.end)
    return Improvement.objects.filter(Q(contract__number__in=numbers) | Q(contract__isnull=True),
                                      touched, created__lt=scope.end, successor__isnull=True) \
        .select_related("owner", "contract").order_by("due_date", "number")


def _yes_no(value):
    return "—" if value is None else (_t("Yes") if value else _t("No"))


def management_improvements(scope):
    rows = list(_of_period(scope))
    raised = sum(scope.start <= i.created < scope.end for i in rows)
    closed = [i for i in rows if i.status == ImprovementStatus.CLOSED and i.checked_at
              and scope.start <= i.checked_at < scope.end]
    effective = sum(bool(i.effective) for i in closed)
    still_open = sum(i.status in OPEN_STATES for i in rows)
    overdue = sum(i.overdue for i in rows)
    note = _t("Improvements: %(raised)s raised in the period, %(closed)s closed after their effectiveness check "
              "(%(effective)s effective), %(open)s open now, %(overdue)s overdue.") % {
        "raised": raised, "closed": len(closed), "effective": effective, "open": still_open, "overdue": overdue}
    return rs.Section("improvements", _t("Improvements: status and effectiveness"),
                      [*_columns(), _t("Effective")], [[*_row(i), _yes_no(i.effective)] for i in rows],
                      note=note if rows else _t("No improvement was raised, open or closed in the period."))


def _by_source(scope, kind):
    return [i for i in _of_period(scope) if i.source_kind == kind]


def _source_rows(rows):
    return [[i.number, i.source_reference or "—", i.source_label or i.title,
             i.contract.number if i.contract_id else _t("Company-wide"), str(i.get_status_display()),
             f"{i.due_date:%Y-%m-%d}"] for i in rows]


def _source_columns():
    return [_t("Number"), _t("Reference"), _t("What"), _t("Contract"), _t("Status"), _t("Due date")]


def management_complaints(scope):
    rows = _by_source(scope, SourceKind.COMPLAINT)
    return rs.Section("complaints", _t("Customer complaints"), _source_columns(), _source_rows(rows),
                      note=_t("Complaints received in the period or still being dealt with, each followed as an "
                              "improvement.") if rows else _t("No customer complaint was received in the period."))


def management_audit_findings(scope):
    rows = _by_source(scope, SourceKind.AUDIT_FINDING)
    return rs.Section("audit_findings", _t("Audit findings"), _source_columns(), _source_rows(rows),
                      note=_t("Findings of internal and external audits raised as improvements in the period or "
                              "still open.") if rows else _t("No audit finding was raised as an improvement in the "
                                                             "period."))


rs.register(rs.MONTHLY, period_improvements)
rs.register(rs.INTERNAL, period_improvements)
rs.register(rs.SUMMARY, project_improvements)
rs.register(rs.MANAGEMENT, management_improvements)
rs.register(rs.MANAGEMENT, management_complaints)
rs.register(rs.MANAGEMENT, management_audit_findings)
