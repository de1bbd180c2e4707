"""The improvement register's sections of the reports (core.report_sections, issue 13 point 5): the monthly and
internal reports list the improvements of their contracts raised in the period or still open; the project summary
report lists every improvement of the project's contract. Generated in the company's language and frozen with the
report's figures."""

from django.utils.translation import gettext as _t

from core import report_sections as rs

from . import services
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


rs.register(rs.MONTHLY, period_improvements)
rs.register(rs.INTERNAL, period_improvements)
rs.register(rs.SUMMARY, project_improvements)
