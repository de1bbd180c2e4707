"""Customer satisfaction in the management review (core.report_sections.MANAGEMENT, SP-2.1): per contract in force
over the review's period, the survey answers, their average score (1–5) and points (0–100, the scale the quality
objective "客户满意度 ≥ 90 分" is written in), and the low scores (dissatisfied or worse); in total the answers of
all those contracts pooled. Counted by reporting.services.satisfaction, as the contract page and the internal report
count them (an answer belongs to the month it rates)."""

from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import report_sections as rs

from .choices import Score
from .models import SatisfactionResponse
from .services.satisfaction import points, summary


def _dates(scope):
    zone = timezone.get_default_timezone()
    return scope.start.astimezone(zone).date(), (scope.end - timedelta(seconds=1)).astimezone(zone).date()


def _rounded(value):
    return None if value is None else round(float(value), 2)


def _in_months(start, end):
    return (Q(year__gt=start.year) | Q(year=start.year, month__gte=start.month)) & \
        (Q(year__lt=end.year) | Q(year=end.year, month__lte=end.month))


def management_satisfaction(scope):
    start, end = _dates(scope)
    numbers = sorted({c.number for c in scope.contracts})
    low = Q(score__lte=Score.DISSATISFIED)
    rows = []
    for contract in scope.contracts:
        found = summary(contract.number, start, end)
        if not found["count"]:
            continue
        lows = SatisfactionResponse.objects.filter(_in_months(start, end), low, contract__number=contract.number) \
            .count()
        rows.append([contract.number, str(contract.customer), found["count"], found["average"], found["points"],
                     lows])
    if not rows:
        return rs.Section("satisfaction", _t("Customer satisfaction"),
                          note=_t("No customer answered the satisfaction survey in the period."))
    total = SatisfactionResponse.objects.filter(_in_months(start, end), contract__number__in=numbers) \
        .aggregate(count=Count("pk"), average=Avg("score"), low=Count("pk", filter=low))
    rows.append([_t("Total"), "", total["count"], _rounded(total["average"]), points(total["average"]),
                 total["low"]])
    return rs.Section("satisfaction", _t("Customer satisfaction"),
                      [_t("Contract"), _t("Customer"), _t("Answers"), _t("Average score (1–5)"),
                       _t("Points (0–100)"), _t("Low scores")], rows,
                      note=_t("Survey answers after the monthly reports and at acceptance for the months of the "
                              "period; a low score is 2 (dissatisfied) or less."))


rs.register(rs.MANAGEMENT, management_satisfaction)
