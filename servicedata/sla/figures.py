"""Period figures of a contract (and per service): achievement, availability, MTTR/MTBF, volume, trend.

Returned as plain frozen dataclasses (`PeriodMetrics`, `Figure`, `TrendPoint`); the SLA dashboard, the API
and the monthly report use them. Formulas: docs/sla.md.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _t

from catalog.calendars import holiday_warning
from catalog.choices import Priority
from core import businesstime
from core.businesstime import MISSING

from ..models import MaintenanceWindow, Outage, SlaMonth, Ticket
from . import rollup
from .context import contract_calendar, contract_ids, contract_zone, epochs, sla_for, sla_version_id


@dataclass(frozen=True)
class Figure:
    """Achievement of one priority (or overall: priority "") against its target %."""

    priority: str
    within: int
    counted: int
    target_percent: float | None = None

    @property
    def percent(self) -> float | None:
        return businesstime.Achievement(self.within, self.counted).percent

    @property
    def breached(self) -> int:
        return self.counted - self.within

    @property
    def met(self) -> bool | None:
        """Whether the target % is reached; None when nothing was counted or there is no target."""
        if self.percent is None or self.target_percent is None:
            return None
        return self.percent >= self.target_percent

    def as_dict(self):
        return {**asdict(self), "percent": self.percent, "breached": self.breached, "met": self.met}


@dataclass(frozen=True)
class PeriodMetrics:
    """One contract's (or one of its services') SLA figures for one month. Reused by the monthly report."""

    contract_id: int
    service_id: int | None
    year: int
    month: int
    period_start: datetime
    period_end: datetime
    as_of: datetime
    response: tuple[Figure, ...]
    response_overall: Figure
    resolution: tuple[Figure, ...]
    resolution_overall: Figure
    availability_target: float | None
    agreed_seconds: int
    downtime_seconds: int
    excused_seconds: int
    outages: int
    outage_seconds: int
    mttr_seconds: float | None
    mtbf_seconds: float | None
    volume: int
    volume_by_priority: dict
    capacity_limit: int | None
    sla_version_id: int
    calendar_version_id: int | None
    missing_holiday_years: tuple[int, ...] = ()
    pending: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def availability_percent(self) -> float | None:
        return businesstime.Availability(self.agreed_seconds, self.downtime_seconds, self.excused_seconds).percent

    @property
    def availability_met(self) -> bool | None:
        if self.availability_percent is None or self.availability_target is None:
            return None
        return self.availability_percent >= self.availability_target

    @property
    def capacity_percent(self) -> float | None:
        return 100.0 * self.volume / self.capacity_limit if self.capacity_limit else None

    @property
    def over_capacity(self) -> bool:
        return bool(self.capacity_limit) and self.volume > self.capacity_limit

    @property
    def all_met(self) -> bool | None:
        flags = [f.met for f in (*self.response, *self.resolution) if f.met is not None]
        if self.availability_met is not None:
            flags.append(self.availability_met)
        return all(flags) if flags else None

    def as_dict(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if k not in {"response", "resolution", "response_overall",
                                                                    "resolution_overall"}}
        data.update(
            period_start=self.period_start.isoformat(), period_end=self.period_end.isoformat(),
            as_of=self.as_of.isoformat(),
            response=[f.as_dict() for f in self.response], response_overall=self.response_overall.as_dict(),
            resolution=[f.as_dict() for f in self.resolution], resolution_overall=self.resolution_overall.as_dict(),
            availability_percent=self.availability_percent, availability_met=self.availability_met,
            capacity_percent=self.capacity_percent, over_capacity=self.over_capacity, all_met=self.all_met,
            missing_holiday_years=list(self.missing_holiday_years), warnings=list(self.warnings))
        return data


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


def _tickets(contract, service=None, pks=None):
    queryset = Ticket.objects.filter(contract_id__in=contract_ids(contract) if pks is None else pks)
    return queryset.filter(service=service) if service is not None else queryset


def _achievement(counts: dict, targets: dict) -> tuple[tuple[Figure, ...], Figure]:
    """Figures per priority and overall from {priority: (within, counted)} (the rollup's decided-in-month counts)
    and {priority: target %}."""
    figures = tuple(Figure(p, *counts.get(p, (0, 0)), targets.get(p))
                    for p in Priority.values)
    overall = Figure("", sum(f.within for f in figures), sum(f.counted for f in figures))
    return figures, overall


def _intervals(model, contract, start, end, service=None):
    queryset = model.objects.filter(contract_id__in=contract_ids(contract), start__lt=end, end__gt=start)
    if service is not None and model is Outage:
        queryset = queryset.filter(Q(service=service) | Q(service__isnull=True))
    return queryset


def _outage_arrays(contract, start, end, service=None):
    outages = list(_intervals(Outage, contract, start, end, service).values_list("start", "end", "planned",
                                                                                 "announced_at"))
    windows = [(s, e) for s, e, announced in _intervals(MaintenanceWindow, contract, start, end)
               .values_list("start", "end", "announced_at") if announced is not None and announced <= s]
    o_start, o_end, planned, announced = (list(c) for c in zip(*outages, strict=True)) if outages else ([], [], [],
                                                                                                        [])
    w_start, w_end = (list(c) for c in zip(*windows, strict=True)) if windows else ([], [])
    return (epochs(o_start), epochs(o_end), np.array(planned, dtype=bool), epochs(announced),
            epochs(w_start), epochs(w_end))


def availability_figures(window_clock, period_start: int, period_end: int, arrays):
    """(Availability, OutageStats) of the business-time engine.

    Failures are outages not excused as announced maintenance.
    """
    o_start, o_end, planned, announced, w_start, w_end = arrays
    avail = businesstime.availability(window_clock, period_start, period_end, o_start, o_end, planned=planned,
                                      announced_at=announced, maintenance_start=w_start, maintenance_end=w_end)
    in_window = _inside(o_start, o_end, *businesstime.merge_intervals(w_start, w_end))
    excused = planned & (announced != MISSING) & (announced <= o_start) & in_window
    stats = businesstime.outage_stats(period_start, period_end, o_start[~excused], o_end[~excused])
    return avail, stats


def _inside(starts, ends, w_starts, w_ends) -> np.ndarray:
    if w_starts.size == 0:
        return np.zeros(starts.shape, dtype=bool)
    k = np.searchsorted(w_starts, starts, side="right") - 1
    return (k >= 0) & (ends <= w_ends[np.maximum(k, 0)])


def _in_force(contract, zone, start: datetime, end: datetime) -> tuple[int, int]:
    """[start, end) as epoch seconds, clipped to the contract's term: service time is agreed only then."""
    term_start = datetime.combine(contract.start_date, datetime.min.time(), zone)
    term_end = datetime.combine(contract.end_date + timedelta(days=1), datetime.min.time(), zone)
    lo, hi = max(start, term_start), min(end, term_end)
    return int(lo.timestamp()), int(max(lo, hi).timestamp())


def _window_clock(tier, start: datetime, end: datetime):
    calendar = tier.service_window
    version = calendar.current_version()
    zone = ZoneInfo(calendar.time_zone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    return businesstime.BusinessClock.from_spec(version.to_spec(), first, last), version


def period_metrics(contract, year: int, month: int, service=None, as_of: datetime | None = None) -> PeriodMetrics:
    """The contract's SLA figures for one month (local month of the contract calendar's time zone).

    Achievement and volume from the rollup; availability, targets and warnings from outages, SLA and calendars,
    cached for a closed month (`_cached_inputs`). The pending-clock count is always read afresh."""
    zone = contract_zone(contract)
    start, end = month_bounds(year, month, zone)
    closed = (end <= timezone.now()) if as_of is None else (as_of >= end)
    as_of = min(as_of or timezone.now(), end)
    pks = contract_ids(contract)
    inputs = _cached_inputs(contract, zone, start, end, service, year, month) if closed \
        else _month_inputs(contract, zone, start, end, as_of, service)
    counts = rollup.read(contract, (year, month), (year, month), service, contract_pks=pks, zone=zone) \
        .get((year, month)) or rollup.MonthCounts()
    cutoff = max(as_of, start)
    if cutoff < end:  # the open month (or a past `as_of`): outcomes decided after the cutoff are not known yet
        counts.subtract(rollup.counted_between(pks, cutoff, end, service, clocks_only=True))
    response, response_overall = _achievement(counts.response, inputs["targets"])
    resolution, resolution_overall = _achievement(counts.resolution, inputs["targets"])
    volume_by_priority = {p: n for p, n in sorted(counts.created.items()) if n}
    pending = _tickets(contract, service, pks).filter(computed_at__isnull=True).count()  # the partial index
    warnings = list(inputs["warnings"])
    if pending:
        warnings.append(_t("%(n)s tickets of this contract have no SLA clocks yet; they are not counted.")
                        % {"n": pending})
    return PeriodMetrics(
        contract_id=contract.pk, service_id=getattr(service, "pk", None), year=year, month=month,
        period_start=start, period_end=end, as_of=as_of,
        response=response, response_overall=response_overall,
        resolution=resolution, resolution_overall=resolution_overall,
        volume=sum(volume_by_priority.values()), volume_by_priority=volume_by_priority,
        pending=pending, warnings=tuple(warnings),
        **{k: v for k, v in inputs.items() if k not in {"targets", "warnings"}})


def _month_inputs(contract, zone, start, end, as_of, service) -> dict:
    """What a month's figures take from outside the tickets: targets, availability, outage figures, capacity,
    versions, holiday warnings (in the active language)."""
    # The targets of the SLA in force at the end of the period (or now): a change signed mid-month applies.
    tier = sla_for(contract, (min(as_of, end) - timedelta(seconds=1)).astimezone(zone).date())
    targets = {p: t.target_percent for p, t in tier.targets().items()}
    window_clock, window_version = _window_clock(tier, start, end)
    avail_start, avail_end = _in_force(contract, zone, start, max(as_of, start))
    avail, stats = availability_figures(window_clock, avail_start, avail_end,
                                        _outage_arrays(contract, start, max(as_of, start), service))
    calendar = contract_calendar(contract)
    warnings, missing = [], set()
    for cal in {calendar.pk: calendar, tier.service_window.pk: tier.service_window}.values():
        local_start, local_end = start.astimezone(zone).date(), (end - timedelta(seconds=1)).astimezone(zone).date()
        missing |= set(cal.missing_years(range(local_start.year, local_end.year + 1)))
        message = holiday_warning(cal, local_start, local_end)
        if message:
            warnings.append(message)
    return dict(
        targets=targets, warnings=tuple(warnings),
        availability_target=float(tier.availability_target) if tier.availability_target is not None else None,
        agreed_seconds=avail.agreed_seconds, downtime_seconds=avail.downtime_seconds,
        excused_seconds=avail.excused_seconds,
        outages=stats.outages, outage_seconds=stats.outage_seconds, mttr_seconds=stats.mttr, mtbf_seconds=stats.mtbf,
        capacity_limit=contract.monthly_ticket_limit or tier.max_tickets_per_month,
        sla_version_id=sla_version_id(tier), calendar_version_id=window_version.pk,
        missing_holiday_years=tuple(sorted(missing)))


def _cached_inputs(contract, zone, start, end, service, year, month) -> dict:
    """`_month_inputs` of a closed month, from the django cache. Keyed by the inputs version kept in the database
    (`rollup.inputs_version`: bumped by any change of outages, maintenance, contracts, SLAs, tiers or calendars),
    so a change made in any process invalidates every process's entries; tickets are not in it (their counts
    are read from the rollup on every call)."""
    key = ":".join(str(part) for part in ("servplan-sla-inputs", rollup.inputs_version(), contract.pk,
                                          getattr(service, "pk", "-"), year, month, get_language() or "-"))
    inputs = cache.get(key)
    if inputs is None:
        inputs = _month_inputs(contract, zone, start, end, end, service)
        cache.set(key, inputs, INPUTS_CACHE_SECONDS)
    return inputs


INPUTS_CACHE_SECONDS = 24 * 3600


# ---- monthly trend -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrendPoint:
    year: int
    month: int
    response_percent: float | None
    resolution_percent: float | None
    availability_percent: float | None
    volume: int
    # False for a month with no service data at all (no ticket created or decided, no outage recorded):
    # charts leave a gap there instead of plotting 100 % availability nobody measured.
    has_data: bool = True

    @property
    def label(self):
        return f"{self.year}-{self.month:02d}"


def last_months(year: int, month: int, count: int) -> list[tuple[int, int]]:
    index = year * 12 + month - 1
    return [((i // 12), i % 12 + 1) for i in range(index - count + 1, index + 1)]


def monthly_trend(contract, year: int, month: int, months: int = 12, service=None,
                  as_of: datetime | None = None) -> list[TrendPoint]:
    """Overall response/resolution achievement, availability and volume for `months` months up to year-month.

    Counts from the rollup (one query for the whole range); the month containing `now` without what is decided
    or created after `now`. A month without any service data (no ticket, no outage) has no availability figure
    (None), not a measured-looking 100 %.
    """
    zone = contract_zone(contract)
    span = last_months(year, month, months)
    start, _ = month_bounds(*span[0], zone)
    _, end = month_bounds(*span[-1], zone)
    now = min(as_of or timezone.now(), end)
    pks = contract_ids(contract)
    counts = rollup.read(contract, span[0], span[-1], service, contract_pks=pks, zone=zone)
    tier = sla_for(contract, (min(now, end) - timedelta(seconds=1)).astimezone(zone).date())
    window_clock, _version = _window_clock(tier, start, end)
    arrays = _outage_arrays(contract, start, max(now, start), service)
    points = []
    for y, m in span:
        m_start, m_end = month_bounds(y, m, zone)
        if m_start >= now:
            points.append(TrendPoint(y, m, None, None, None, 0, has_data=False))
            continue
        month_counts = counts.get((y, m)) or rollup.MonthCounts()
        if now < m_end:  # the month in progress: only what is known by now
            month_counts.subtract(rollup.counted_between(pks, now, m_end, service))
        avail, _stats = availability_figures(window_clock, *_in_force(contract, zone, m_start, min(m_end, now)),
                                             arrays)
        o_start, o_end = arrays[0], arrays[1]
        has_data = (month_counts.has_data
                    or bool(np.any((o_start < m_end.timestamp()) & (o_end > m_start.timestamp()))))
        points.append(TrendPoint(y, m, _percent(month_counts.overall("response")),
                                 _percent(month_counts.overall("resolution")),
                                 avail.percent if has_data else None, month_counts.volume, has_data=has_data))
    return points


def _percent(within_counted):
    within, counted = within_counted
    return 100.0 * within / counted if counted else None


def percent_axis_floor(values, step=5):
    """Lower end of a percent axis that shows the data and the targets: a step below the lowest value (with
    room to spare), never below 0; 88.9 % and a 99 % target give 85 %. None values (gaps) are ignored."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return 0
    return max(0, int((min(present) - 2) // step * step))


def default_month(contract) -> tuple[int, int]:
    """The month a dashboard opens on: the current one, or the last month with tickets (read from the rollup)."""
    zone = contract_zone(contract)
    today = timezone.now().astimezone(zone).date()
    latest = SlaMonth.objects.filter(contract_id__in=contract_ids(contract), created__gt=0) \
        .order_by("-year", "-month").values_list("year", "month").first()
    if latest is None or latest >= (today.year, today.month):
        return today.year, today.month
    return latest
