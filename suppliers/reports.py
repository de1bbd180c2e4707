"""The supplier register's section of the management review (core.report_sections.MANAGEMENT), frozen into the
review when its inputs are taken: per supplier, the deliveries in the period (count, on time %, defects), its latest
approved evaluation up to the period's end (result and verdict) and whether it was qualified at the period's end."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import report_sections as rs

from . import services
from .choices import EvaluationStatus
from .models import Performance, Supplier, SupplierEvaluation


def _yes_no(value):
    return _t("Yes") if value else _t("No")


def supplier_performance(scope):
    """Suppliers with a delivery in the period or an approved evaluation before its end, by code."""
    first = timezone.localtime(scope.start).date()
    last = timezone.localtime(scope.end - timedelta(microseconds=1)).date()
    delivered = Performance.objects.filter(delivered_on__gte=first, delivered_on__lte=last).values("supplier")
    evaluated = SupplierEvaluation.objects.filter(status__in=(EvaluationStatus.APPROVED, EvaluationStatus.SUPERSEDED),
                                                  approved_at__lt=scope.end).values("supplier")
    suppliers = list(Supplier.objects.filter(Q(pk__in=delivered) | Q(pk__in=evaluated)).order_by("code"))
    qualified = services.qualifications(suppliers, on=last)
    rows = []
    for supplier in suppliers:
        figures = services.performance_summary(supplier, first, last)
        evaluation = SupplierEvaluation.objects.filter(
            supplier=supplier, status__in=(EvaluationStatus.APPROVED, EvaluationStatus.SUPERSEDED),
            approved_at__lt=scope.end).order_by("-approved_at").first()
        rows.append([
            supplier.name, supplier.get_category_display(), figures["deliveries"],
            f"{figures['on_time_percent']} %" if figures["on_time_percent"] is not None else "—",
            figures["defects"],
            f"{evaluation.number} · {evaluation.result}" if evaluation and evaluation.result is not None else "—",
            evaluation.verdict_label if evaluation else "—",
            _yes_no(qualified[supplier.pk].qualified),
        ])
    return rs.Section(
        "supplier_performance", _t("Supplier performance"),
        [_t("Supplier"), _t("Category"), _t("Deliveries"), _t("On time"), _t("Defects"), _t("Latest evaluation"),
         _t("Verdict"), _t("Qualified at the period's end")], rows,
        note=_t("Deliveries accepted in the period; evaluations approved before its end.") if rows
        else _t("No supplier delivered or was evaluated in the period."))


rs.register(rs.MANAGEMENT, supplier_performance)
