"""Strategy's own inputs of the management review (core.report_sections.MANAGEMENT): SLA achievement across the
contracts over the period, its monthly trend, and the annual goals' progress. Later stages register theirs from
their own reports.py (satisfaction, suppliers, internal reviews, problems, security incidents, improvements).

The SLA figures are the monthly reports' (`servicedata.sla.period_metrics`, one contract and month at a time),
pooled as the SLA figures count them: achievement = tickets decided within target / tickets decided, summed over the
months (and contracts); availability pools the agreed and the down business seconds. Only the months inside a
contract's term are measured. A month with no service data at all is a gap ("—"), never a 0 or 100 %.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import businesstime
from core import report_sections as rs
from core.choices import RecordStatus
from servicedata import sla

_figures = ContextVar("management_review_sla_figures", default=None)


@contextmanager
def shared_figures():
    """While inputs are taken, each contract's month is computed once for every section that reads it."""
    token = _figures.set({})
    try:
        yield
    finally:
        _figures.reset(token)


def metrics(contract, year, month):
    cache = _figures.get()
    key = (contract.pk, year, month)
    if cache is not None and key in cache:
        return cache[key]
    found = sla.period_metrics(contract, year, month)
    if cache is not None:
        cache[key] = found
    return found


def period_months(scope) -> list[tuple[int, int]]:
    zone = timezone.get_default_timezone()
    first = scope.start.astimezone(zone).date()
    last = (scope.end - timedelta(seconds=1)).astimezone(zone).date()
    return sla.last_months(last.year, last.month, (last.year - first.year) * 12 + last.month - first.month + 1)


def in_term(contract, months):
    start, end = contract.start_date, contract.end_date
    return [(y, m) for y, m in months if (start.year, start.month) <= (y, m) <= (end.year, end.month)]


class Pool:
    """Counts summed over months and contracts, and the percentages they give."""

    def __init__(self):
        self.response = [0, 0]
        self.resolution = [0, 0]
        self.agreed = self.down = self.excused = 0
        self.volume = 0
        self.months = 0
        self.missed = 0
        self.has_data = False

    def add(self, m, has_data=True):
        self.response[0] += m.response_overall.within
        self.response[1] += m.response_overall.counted
        self.resolution[0] += m.resolution_overall.within
        self.resolution[1] += m.resolution_overall.counted
        self.volume += m.volume
        self.months += 1
        self.missed += m.all_met is False
        if has_data:
            self.agreed += m.agreed_seconds
            self.down += m.downtime_seconds
            self.excused += m.excused_seconds
            self.has_data = True

    @staticmethod
    def _rounded(value, digits=2):
        return None if value is None else round(float(value), digits)

    @property
    def response_percent(self):
        return self._rounded(businesstime.Achievement(*self.response).percent)

    @property
    def resolution_percent(self):
        return self._rounded(businesstime.Achievement(*self.resolution).percent)

    @property
    def availability_percent(self):
        if not self.agreed:
            return None
        return self._rounded(businesstime.Availability(self.agreed, self.down, self.excused).percent, 3)


def _has_data(m) -> bool:
    """A month with tickets created or decided, or an outage: measured (else a gap, as the trend charts show it)."""
    return bool(m.volume or m.response_overall.counted or m.resolution_overall.counted or m.outages)


def sla_achievement(scope):
    """Per contract over the period, and in total: response and resolution achievement, availability."""
    if not scope.contracts:
        return rs.Section("sla_achievement", _t("SLA achievement across contracts"),
                          note=_t("No contract was in force in the period."))
    months = period_months(scope)
    rows, total = [], Pool()
    for contract in scope.contracts:
        pool = Pool()
        for year, month in in_term(contract, months):
            m = metrics(contract, year, month)
            pool.add(m, _has_data(m))
            total.add(m, _has_data(m))
        rows.append([contract.number, str(contract.customer), pool.months, pool.response[1], pool.response_percent,
                     pool.resolution[1], pool.resolution_percent, pool.availability_percent, pool.missed])
    rows.append([_t("Total"), _t("%(n)s contracts") % {"n": len(scope.contracts)}, total.months, total.response[1],
                 total.response_percent, total.resolution[1], total.resolution_percent, total.availability_percent,
                 total.missed])
    note = _t("Counted as the monthly reports count: tickets decided within target / tickets decided, over the "
              "months of each contract's term in the period; availability from the agreed and the down service time.")
    return rs.Section("sla_achievement", _t("SLA achievement across contracts"),
                      [_t("Contract"), _t("Customer"), _t("Months"), _t("Tickets responded"), _t("Response %"),
                       _t("Tickets resolved"), _t("Resolution %"), _t("Availability %"),
                       _t("Months with a missed target")], rows, note=note)


def sla_trend(scope):
    """Month by month over the period, pooled across the contracts in force that month."""
    if not scope.contracts:
        return None
    rows = []
    for year, month in period_months(scope):
        pool = Pool()
        for contract in scope.contracts:
            if in_term(contract, [(year, month)]):
                m = metrics(contract, year, month)
                pool.add(m, _has_data(m))
        measured = pool.months and pool.has_data
        rows.append([f"{year}-{month:02d}", pool.months, pool.volume if measured else None,
                     pool.response_percent, pool.resolution_percent,
                     pool.availability_percent if measured else None, pool.missed if measured else None])
    return rs.Section("sla_trend", _t("SLA achievement month by month"),
                      [_t("Month"), _t("Contracts"), _t("Tickets"), _t("Response %"), _t("Resolution %"),
                       _t("Availability %"), _t("Contracts with a missed target")], rows,
                      note=_t("A month without service data is shown as a gap (—)."))


def goal_progress(scope):
    """The approved annual goals of the period's years: each goal with its target and the progress of its projects."""
    from .models import AnnualGoals
    from .services import goals_with_progress

    zone = timezone.get_default_timezone()
    first = scope.start.astimezone(zone).year
    last = (scope.end - timedelta(seconds=1)).astimezone(zone).year
    records = AnnualGoals.objects.filter(Q(year__gte=first) & Q(year__lte=last), status=RecordStatus.APPROVED) \
        .order_by("year", "number")
    rows = []
    for record in records:
        for goal, percent, projects in goals_with_progress(record):
            rows.append([record.year, goal.code, goal.name, goal.measure, goal.target, str(goal.owner_department),
                         ", ".join(p.code for p, _pc in projects) or "—", percent,
                         len(goal.allocations.all())])
    return rs.Section("goal_progress", _t("Annual goal progress"),
                      [_t("Year"), _t("Code"), _t("Goal"), _t("Measure"), _t("Target"), _t("Department"),
                       _t("Projects"), _t("Progress %"), _t("Tasks allocated")], rows,
                      note=_t("Progress is the mean percentage complete of the projects serving the goal.") if rows
                      else _t("No approved annual goals for the period's years."))


rs.register(rs.MANAGEMENT, sla_achievement)
rs.register(rs.MANAGEMENT, sla_trend)
rs.register(rs.MANAGEMENT, goal_progress)
