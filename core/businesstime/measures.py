"""SLA figures from business time: ticket clocks and breaches, achievement, availability, MTTR and MTBF."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .clock import MISSING, BusinessClock, merge_intervals, to_epoch_seconds


@dataclass(frozen=True)
class TicketClocks:
    """Per-ticket SLA clocks as of one instant.

    ``*_elapsed``: business seconds so far (final once done).
    ``*_seconds``: the same where done by ``as_of``, else MISSING (-1).
    ``*_breached``: done beyond target, or not done and already beyond target
    (open past target).  A target < 0 means "no target": never breached.
    """

    response_elapsed: np.ndarray
    response_seconds: np.ndarray
    response_breached: np.ndarray
    resolution_elapsed: np.ndarray
    resolution_seconds: np.ndarray
    resolution_breached: np.ndarray


def compute_ticket_clocks(clock: BusinessClock, created, responded, resolved,
                          response_target, resolution_target, as_of: int,
                          pause_ticket_index=(), pause_start=(), pause_end=()) -> TicketClocks:
    """Response and resolution clocks with breach flags, as known at ``as_of``.

    ``responded`` / ``resolved``: MISSING (-1) when not yet; events after
    ``as_of`` are treated as not yet, so a report is reproducible.  The
    response clock ignores pauses; the resolution clock subtracts them.
    """
    created = clock._checked(created)
    as_of = int(clock._checked(as_of))
    response = _clock(clock, created, to_epoch_seconds(responded), as_of, response_target)
    resolved = to_epoch_seconds(resolved)
    done = (resolved != MISSING) & (resolved <= as_of)
    end = np.where(done, resolved, as_of)
    elapsed = clock.resolution_elapsed(created, end, pause_ticket_index, pause_start, pause_end)
    resolution = (elapsed, np.where(done, elapsed, MISSING), _breached(elapsed, resolution_target))
    return TicketClocks(*response, *resolution)


def _clock(clock, created, finished, as_of, target):
    done = (finished != MISSING) & (finished <= as_of)
    elapsed = clock.elapsed(created, np.where(done, finished, as_of))
    return elapsed, np.where(done, elapsed, MISSING), _breached(elapsed, target)


def _breached(elapsed, target) -> np.ndarray:
    target = np.asarray(target, dtype=np.int64)
    return (target >= 0) & (elapsed > target)


# --------------------------------------------------------------------------
# Summaries (DESIGN.md "SLA semantics": one formula each)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    within: int
    counted: int

    @property
    def percent(self) -> float | None:
        """within / counted x 100; None when nothing is counted."""
        return 100.0 * self.within / self.counted if self.counted else None


@dataclass(frozen=True)
class AchievementReport:
    overall: Achievement
    by_priority: dict


def achievement(seconds, breached, priority=None) -> AchievementReport:
    """Achievement % = tickets done within target / tickets counted.

    ``seconds``: response (or resolution) seconds, MISSING when not done;
    ``breached``: from ``compute_ticket_clocks``.  Counted = done, plus open
    tickets already past target (they count as breached); open tickets still
    within target are not counted yet.  Pass the tickets of the period.
    """
    done = np.asarray(seconds) != MISSING
    breached = np.asarray(breached, dtype=bool)
    counted = done | breached
    within = done & ~breached
    overall = Achievement(int(within.sum()), int(counted.sum()))
    by_priority = {}
    if priority is not None:
        labels, code = np.unique(np.asarray(priority), return_inverse=True)
        within_n = np.bincount(code, weights=within, minlength=labels.size)
        counted_n = np.bincount(code, weights=counted, minlength=labels.size)
        by_priority = {label.item(): Achievement(int(w), int(c))
                       for label, w, c in zip(labels, within_n, counted_n, strict=True)}
    return AchievementReport(overall, by_priority)


@dataclass(frozen=True)
class Availability:
    agreed_seconds: int
    downtime_seconds: int
    excused_seconds: int

    @property
    def percent(self) -> float | None:
        """(agreed service time - unplanned downtime) / agreed service time x 100."""
        if not self.agreed_seconds:
            return None
        return 100.0 * (self.agreed_seconds - self.downtime_seconds) / self.agreed_seconds


def _member(starts, ends, points) -> np.ndarray:
    """Whether each point lies in the merged intervals (starts, ends)."""
    if starts.size == 0:
        return np.zeros(np.shape(points), dtype=bool)
    k = np.searchsorted(starts, points, side="right") - 1
    return (k >= 0) & (points < ends[np.maximum(k, 0)])


def availability(window: BusinessClock, period_start: int, period_end: int,
                 outage_start, outage_end, *, planned=None, announced_at=None,
                 maintenance_start=(), maintenance_end=(), min_notice_seconds: int = 0) -> Availability:
    """Availability in the SLA's service window (a BusinessClock).

    Agreed service time = window time in [period_start, period_end).
    Unplanned downtime = window time covered by any outage (overlaps merged),
    except where an *excused* outage lies inside an announced maintenance
    window.  An outage is excused only if ``planned`` and announced in
    advance: ``announced_at <= outage_start - min_notice_seconds``
    (``announced_at`` MISSING = never announced).  A maintenance overrunning
    its window counts as downtime for the overrun only.  Excused time stays
    in the agreed service time (it is excluded from downtime only).
    """
    period_start, period_end = int(period_start), int(period_end)
    agreed = int(window.elapsed(period_start, period_end))
    o_start = np.clip(to_epoch_seconds(outage_start), period_start, period_end)
    o_end = np.clip(to_epoch_seconds(outage_end), period_start, period_end)
    excusable = _excusable(o_start.size, to_epoch_seconds(outage_start), planned, announced_at,
                           min_notice_seconds)
    outages = merge_intervals(o_start, o_end)
    excused = merge_intervals(o_start[excusable], o_end[excusable])
    windows = merge_intervals(maintenance_start, maintenance_end)
    points = np.unique(np.concatenate((*outages, *excused, *windows, [period_start, period_end])))
    points = points[(points >= period_start) & (points <= period_end)]
    seg_start, seg_end = points[:-1], points[1:]
    down = _member(*outages, seg_start)
    exempt = _member(*excused, seg_start) & _member(*windows, seg_start)
    length = window.elapsed(seg_start, seg_end)
    return Availability(agreed, int(length[down & ~exempt].sum()), int(length[down & exempt].sum()))


def _excusable(n, start, planned, announced_at, min_notice_seconds) -> np.ndarray:
    if planned is None or announced_at is None:
        return np.zeros(n, dtype=bool)
    announced = to_epoch_seconds(announced_at)
    in_time = (announced != MISSING) & (announced <= start - int(min_notice_seconds))
    return np.asarray(planned, dtype=bool) & in_time


def mttr(outage_seconds: float, outages: int) -> float | None:
    """Mean time to restore = total outage time / number of outages."""
    return outage_seconds / outages if outages else None


def mtbf(period_seconds: float, outage_seconds: float, outages: int) -> float | None:
    """Mean time between failures = (period - outage time) / number of outages."""
    return (period_seconds - outage_seconds) / outages if outages else None


@dataclass(frozen=True)
class OutageStats:
    outages: int
    outage_seconds: int
    period_seconds: int

    @property
    def mttr(self) -> float | None:
        return mttr(self.outage_seconds, self.outages)

    @property
    def mtbf(self) -> float | None:
        return mtbf(self.period_seconds, self.outage_seconds, self.outages)


def outage_stats(period_start: int, period_end: int, outage_start, outage_end,
                 clock: BusinessClock | None = None) -> OutageStats:
    """Outages clipped to the period and merged where they overlap or touch.

    Durations are real seconds, or business seconds of ``clock`` when given
    (an outage with no time inside the clock then is not counted).
    """
    lo = np.clip(to_epoch_seconds(outage_start), period_start, period_end)
    hi = np.clip(to_epoch_seconds(outage_end), period_start, period_end)
    starts, ends = merge_intervals(lo, hi)
    if clock is None:
        lengths, period = ends - starts, int(period_end) - int(period_start)
    else:
        lengths, period = clock.elapsed(starts, ends), int(clock.elapsed(period_start, period_end))
    return OutageStats(int(np.count_nonzero(lengths)), int(lengths.sum()), period)
