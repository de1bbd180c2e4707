"""Tests of the business-time engine (pure Python/NumPy, no database).

The property tests compare the engine with a brute-force reference that
walks every minute, reads the local wall clock via zoneinfo and checks it
against the calendar spec directly.  Every instant is on a minute boundary
and every zone used changes offset on minute boundaries, so a minute is
either wholly open or wholly closed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.businesstime import (
    MISSING,
    BusinessClock,
    CalendarSpec,
    MissingHolidayDataWarning,
    achievement,
    availability,
    china_holidays,
    compute_ticket_clocks,
    merge_intervals,
    mtbf,
    mttr,
    outage_stats,
    parse_hhmm,
    to_epoch_seconds,
    workweek_hours,
)

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Shanghai"]
# Window starts near DST changes (NY 2025-03-09 / 2025-11-02, Berlin
# 2025-03-30 / 2025-10-26, 2024 too) and year ends.
ANCHORS = [date(2024, 3, 1), date(2024, 10, 20), date(2024, 12, 20), date(2025, 3, 1),
           date(2025, 3, 24), date(2025, 10, 20), date(2025, 10, 29), date(2025, 12, 22)]
WINDOW_DAYS = 21
SHANGHAI = ZoneInfo("Asia/Shanghai")
LUNCH_5X8 = workweek_hours(("09:00", "12:00"), ("13:00", "18:00"))


def at(zone: ZoneInfo, *parts: int) -> int:
    return int(datetime(*parts, tzinfo=zone).timestamp())


def sh(*parts: int) -> int:
    """Epoch seconds of a Shanghai wall-clock time."""
    return at(SHANGHAI, *parts)


# --------------------------------------------------------------------------
# Brute-force reference: one minute at a time, straight from the spec
# --------------------------------------------------------------------------


def ref_day_shifts(spec: CalendarSpec, day: date) -> list[tuple[int, int]]:
    """The shifts starting on a date, in minutes; an end before the start is the next morning's."""
    if day in spec.holidays:
        return []
    if day in spec.date_hours:
        shifts = spec.date_hours[day]
    else:
        weekday = spec.adjusted_workday_hours_from if day in spec.adjusted_workdays else day.weekday()
        shifts = spec.weekly_hours.get(weekday, ())
    result = []
    for start, end in shifts:
        lo = int(start[:2]) * 60 + int(start[3:])
        hi = int(end[:2]) * 60 + int(end[3:])
        result.append((lo, hi + 1440 if hi < lo else hi))
    return result


def ref_is_open(spec: CalendarSpec, local: datetime) -> bool:
    day = local.date()
    if spec.always_open:
        return not (spec.closed_on_holidays and day in spec.holidays)
    minute = local.hour * 60 + local.minute
    return (any(lo <= minute < hi for lo, hi in ref_day_shifts(spec, day))
            or any(lo <= minute + 1440 < hi for lo, hi in ref_day_shifts(spec, day - timedelta(days=1))))


def ref_open_minutes(spec: CalendarSpec, lo: int, hi: int) -> np.ndarray:
    """Open flag of each minute [t, t+60) for t = lo, lo+60, ... < hi."""
    zone = ZoneInfo(spec.tz)
    return np.array([ref_is_open(spec, datetime.fromtimestamp(t, zone)) for t in range(lo, hi, 60)],
                    dtype=bool)


def ref_elapsed(flags, base, start, end, pauses=()) -> int:
    """Open, unpaused seconds in [start, end); ``flags`` start at ``base``."""
    if end <= start:
        return 0
    minutes = np.arange(start, end, 60)
    counted = flags[(start - base) // 60:(end - base) // 60].copy()
    for p_start, p_end in pauses:
        counted &= ~((minutes >= p_start) & (minutes < p_end))
    return 60 * int(counted.sum())


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def day_shifts(draw):
    points = draw(st.lists(st.integers(0, 1440), min_size=0, max_size=6, unique=True))
    points = sorted(points)[: len(points) // 2 * 2]
    return [(hhmm(points[i]), hhmm(points[i + 1])) for i in range(0, len(points), 2)]


@st.composite
def any_shifts(draw, max_size=3):
    """Shifts in any order, overlapping or overnight (end before start): the engine merges what overlaps."""
    pairs = draw(st.lists(st.tuples(st.integers(0, 1439), st.integers(0, 1440)).filter(lambda p: p[0] != p[1]),
                          max_size=max_size))
    return [(hhmm(lo), hhmm(hi)) for lo, hi in pairs]


@st.composite
def scenarios(draw, overnight=True):
    zone = draw(st.sampled_from(ZONES))
    first = draw(st.sampled_from(ANCHORS)) + timedelta(days=draw(st.integers(0, 12)))
    days = [first + timedelta(days=i) for i in range(-1, WINDOW_DAYS)]
    holidays = frozenset(draw(st.sets(st.sampled_from(days), max_size=5)))
    workdays = frozenset(draw(st.sets(st.sampled_from(days), max_size=4))) - holidays
    own = sorted(draw(st.sets(st.sampled_from(days), max_size=4)) - holidays)
    shifts = any_shifts if overnight else day_shifts
    spec = CalendarSpec(
        tz=zone,
        weekly_hours={day: draw(shifts()) for day in range(7)},
        holidays=holidays,
        adjusted_workdays=workdays,
        adjusted_workday_hours_from=draw(st.integers(0, 6)),
        always_open=draw(st.integers(0, 5)) == 0,
        date_hours={day: draw(shifts()) for day in own},
        closed_on_holidays=draw(st.booleans()),
    )
    base = int(datetime.combine(first, time(), ZoneInfo(zone)).timestamp())
    return spec, first, base, WINDOW_DAYS * 1440


@st.composite
def tickets(draw, total_minutes, max_size=6):
    starts = draw(st.lists(st.integers(0, total_minutes), min_size=1, max_size=max_size))
    spans = [draw(st.integers(0, total_minutes - s)) for s in starts]
    return starts, spans


def clock_for(spec, first):
    return BusinessClock.from_spec(spec, first - timedelta(days=1), first + timedelta(days=WINDOW_DAYS))


# database=None: no .hypothesis/ folder in the work tree.
PROPERTY = settings(max_examples=100, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------


@PROPERTY
@given(data=st.data(), scenario=scenarios())
def test_elapsed_matches_minute_by_minute_reference(data, scenario):
    spec, first, base, total = scenario
    starts, spans = data.draw(tickets(total, max_size=8))
    created = base + 60 * np.array(starts, dtype=np.int64)
    resolved = created + 60 * np.array(spans, dtype=np.int64)
    clock = clock_for(spec, first)
    flags = ref_open_minutes(spec, base, base + total * 60)
    expected = [ref_elapsed(flags, base, a, b) for a, b in zip(created, resolved, strict=True)]
    assert clock.elapsed(created, resolved).tolist() == expected
    assert clock.elapsed(resolved, created).tolist() == [0] * len(expected)


@PROPERTY
@given(data=st.data(), scenario=scenarios())
def test_resolution_elapsed_matches_reference_with_pauses(data, scenario):
    spec, first, base, total = scenario
    starts, spans = data.draw(tickets(total, max_size=5))
    created = base + 60 * np.array(starts, dtype=np.int64)
    resolved = created + 60 * np.array(spans, dtype=np.int64)
    n = len(starts)
    # Pauses anywhere in the window (so some stick out of their ticket and
    # get clipped), several per ticket (so some overlap), in random order.
    pause_rows = data.draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, total), st.integers(0, 3000)), max_size=12))
    index = np.array([row[0] for row in pause_rows], dtype=np.int64)
    p_start = base + 60 * np.array([row[1] for row in pause_rows], dtype=np.int64)
    p_end = p_start + 60 * np.array([row[2] for row in pause_rows], dtype=np.int64)
    clock = clock_for(spec, first)
    flags = ref_open_minutes(spec, base, base + total * 60)
    expected = [
        ref_elapsed(flags, base, created[i], resolved[i],
                    [(p_start[k], p_end[k]) for k in range(len(pause_rows)) if index[k] == i])
        for i in range(n)
    ]
    got = clock.resolution_elapsed(created, resolved, index, p_start, p_end)
    assert got.tolist() == expected


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data(), scenario=scenarios())
def test_add_inverts_elapsed(data, scenario):
    spec, first, base, total = scenario
    clock = clock_for(spec, first)
    starts, spans = data.draw(tickets(total, max_size=10))
    start = base + 60 * np.array(starts, dtype=np.int64)
    end = start + 60 * np.array(spans, dtype=np.int64)
    seconds = clock.elapsed(start, end)
    due = clock.add(start, seconds)
    assert (clock.elapsed(start, due) == seconds).all()
    assert (due <= end).all()  # earliest instant with that much business time
    positive = seconds > 0
    assert (clock.elapsed(start[positive], due[positive] - 1) == seconds[positive] - 1).all()
    assert (due[~positive] == start[~positive]).all()


# --------------------------------------------------------------------------
# Worked examples (hand-computed)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def china_clock():
    china = china_holidays([2025, 2026])
    spec = CalendarSpec("Asia/Shanghai", LUNCH_5X8, china.holidays, china.workdays)
    return BusinessClock.from_spec(spec, date(2025, 1, 1), date(2026, 12, 31))


def test_china_holiday_data_matches_2025_national_day():
    china = china_holidays([2025])
    assert china.missing_years == ()
    # National Day + Mid-autumn 2025: Wed 10-01 .. Wed 10-08, of which the
    # weekdays are holidays (10-04/05 are a weekend anyway).
    assert {date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)} <= china.holidays
    assert date(2025, 10, 4) not in china.holidays
    # 调休: Sun 2025-09-28 and Sat 2025-10-11 were working days.
    assert {date(2025, 9, 28), date(2025, 10, 11)} <= china.workdays


def test_friday_1750_before_tomb_sweeping_2026(china_clock):
    # Fri 2026-04-03 17:50 -> Tue 2026-04-07 09:30 (Sat 4, Sun 5, Mon 6 off):
    # Fri 17:50-18:00 = 10 min, Tue 09:00-09:30 = 30 min -> 40 min = 2400 s.
    assert china_clock.elapsed(sh(2026, 4, 3, 17, 50), sh(2026, 4, 7, 9, 30)) == 2400


def test_friday_1750_across_national_day_2025(china_clock):
    # Fri 2025-09-26 17:50 -> Thu 2025-10-09 10:00 (first workday after the holiday):
    #   Fri 26  17:50-18:00                     600 s
    #   Sat 27  closed
    #   Sun 28  调休 workday, Monday hours 8 h  28800 s
    #   Mon 29, Tue 30  8 h each                57600 s
    #   Oct 1-8 National Day / Mid-autumn        0 s
    #   Thu Oct 9  09:00-10:00                  3600 s
    # total 600 + 3 * 28800 + 3600 = 90600 s (25 h 10 min)
    assert china_clock.elapsed(sh(2025, 9, 26, 17, 50), sh(2025, 10, 9, 10, 0)) == 90600
    # 10 min due -> Fri 18:00 (closing, not next opening); 11 min -> the Sunday.
    assert china_clock.add(sh(2025, 9, 26, 17, 50), 600) == sh(2025, 9, 26, 18, 0)
    assert china_clock.add(sh(2025, 9, 26, 17, 50), 660) == sh(2025, 9, 28, 9, 1)


def test_adjusted_saturday_workday(china_clock):
    # Sat 2025-10-11 was a 调休 workday: Fri 10-10 17:00 -> Mon 10-13 10:00 is
    # Fri 1 h + Sat 8 h + Mon 1 h = 10 h.
    assert china_clock.elapsed(sh(2025, 10, 10, 17, 0), sh(2025, 10, 13, 10, 0)) == 36000
    # A normal Saturday is closed: Fri 2025-10-17 17:00 -> Mon 10-20 10:00 = 2 h.
    assert china_clock.elapsed(sh(2025, 10, 17, 17, 0), sh(2025, 10, 20, 10, 0)) == 7200


def test_pause_across_lunch_break(china_clock):
    # Mon 2025-09-15, created 11:00, responded 13:10, resolved 15:00.
    # Elapsed: 11-12 (1 h) + 13-15 (2 h) = 3 h.  Paused 11:30-13:30 on the
    # customer: business part 11:30-12:00 + 13:00-13:30 = 1 h, so resolution
    # = 2 h.  A second pause 11:45-13:15 overlaps the first and adds nothing.
    # The response clock ignores pauses: 11-12 + 13:00-13:10 = 70 min.
    created, resolved = np.array([sh(2025, 9, 15, 11, 0)]), np.array([sh(2025, 9, 15, 15, 0)])
    index = np.array([0, 0])
    p_start = np.array([sh(2025, 9, 15, 11, 30), sh(2025, 9, 15, 11, 45)])
    p_end = np.array([sh(2025, 9, 15, 13, 30), sh(2025, 9, 15, 13, 15)])
    assert china_clock.resolution_elapsed(created, resolved, index, p_start, p_end).tolist() == [7200]
    clocks = compute_ticket_clocks(
        china_clock, created, [sh(2025, 9, 15, 13, 10)], resolved, [3600], [4 * 3600],
        as_of=sh(2025, 9, 16, 0, 0), pause_ticket_index=index, pause_start=p_start, pause_end=p_end)
    assert clocks.response_seconds.tolist() == [4200]
    assert clocks.response_breached.tolist() == [True]  # 70 min > 60 min target
    assert clocks.resolution_seconds.tolist() == [7200]
    assert clocks.resolution_breached.tolist() == [False]


def test_ticket_clocks_open_past_target_and_sentinels(china_clock):
    # Response target 30 min, as of Tue 2025-09-16 09:10.
    #   A: Mon 09:00, responded 09:20       -> 1200 s, within
    #   B: Mon 17:30, no response           -> 30 + 10 min = 2400 s so far, open past target: breached
    #   C: Tue 09:00, no response           -> 600 s so far, open within target: not counted
    #   D: Mon 10:00, responded Tue 10:00   -> after as_of, so not yet: 8 h so far, breached
    #   E: Mon 10:00, responded 11:00, no target (-1) -> never breached
    created = [sh(2025, 9, 15, 9), sh(2025, 9, 15, 17, 30), sh(2025, 9, 16, 9),
               sh(2025, 9, 15, 10), sh(2025, 9, 15, 10)]
    responded = [sh(2025, 9, 15, 9, 20), MISSING, MISSING, sh(2025, 9, 16, 10), sh(2025, 9, 15, 11)]
    clocks = compute_ticket_clocks(china_clock, created, responded, [MISSING] * 5,
                                   [1800, 1800, 1800, 1800, -1], [-1] * 5, as_of=sh(2025, 9, 16, 9, 10))
    assert clocks.response_elapsed.tolist() == [1200, 2400, 600, 7 * 3600 + 600, 3600]
    assert clocks.response_seconds.tolist() == [1200, MISSING, MISSING, MISSING, 3600]
    assert clocks.response_breached.tolist() == [False, True, False, True, False]
    assert clocks.resolution_seconds.tolist() == [MISSING] * 5
    report = achievement(clocks.response_seconds, clocks.response_breached, priority=[1, 1, 2, 2, 2])
    # Counted: A, E (done) + B, D (open past target); within: A, E -> 2/4.
    assert (report.overall.within, report.overall.counted, report.overall.percent) == (2, 4, 50.0)
    assert report.by_priority[1].percent == 50.0  # A within, B breached
    assert report.by_priority[2].percent == 50.0  # E within, D breached, C not counted


def test_achievement_empty_is_none():
    assert achievement(np.array([MISSING]), np.array([False])).overall.percent is None


def test_dst_days_follow_the_wall_clock():
    # A 00:00-06:00 shift every day: 5 real hours on spring-forward days,
    # 7 on fall-back days, 6 otherwise.
    for zone, spring, autumn in [("America/New_York", date(2025, 3, 9), date(2025, 11, 2)),
                                 ("Europe/Berlin", date(2025, 3, 30), date(2025, 10, 26))]:
        tz = ZoneInfo(zone)
        spec = CalendarSpec(zone, {d: [("00:00", "06:00")] for d in range(7)})
        clock = BusinessClock.from_spec(spec, date(2025, 1, 1), date(2025, 12, 31))
        for day, hours in [(spring, 5), (autumn, 7), (spring + timedelta(days=1), 6)]:
            nxt = day + timedelta(days=1)
            assert clock.elapsed(at(tz, day.year, day.month, day.day),
                                 at(tz, nxt.year, nxt.month, nxt.day)) == hours * 3600


def test_24_hour_end_joins_next_day():
    spec = CalendarSpec("Asia/Shanghai", {0: [("22:00", "24:00")], 1: [("00:00", "02:00")]})
    clock = BusinessClock.from_spec(spec, date(2025, 9, 1), date(2025, 9, 7))
    assert clock.starts.size == 1  # Mon 22:00 - Tue 02:00 is one interval
    assert clock.elapsed(sh(2025, 9, 1, 23), sh(2025, 9, 2, 1)) == 7200


def test_always_open_ignores_holidays():
    spec = CalendarSpec("Europe/Berlin", always_open=True, holidays=frozenset({date(2025, 3, 30)}))
    clock = BusinessClock.from_spec(spec, date(2025, 3, 29), date(2025, 3, 31))
    berlin = ZoneInfo("Europe/Berlin")
    assert clock.elapsed(at(berlin, 2025, 3, 30), at(berlin, 2025, 3, 31)) == 23 * 3600


def test_always_open_closed_on_holidays():
    spec = CalendarSpec("Asia/Shanghai", always_open=True, closed_on_holidays=True,
                        holidays=frozenset({date(2025, 10, 1), date(2025, 10, 2)}),
                        date_hours={date(2025, 9, 30): [("09:00", "12:00")]})  # own hours: ignored when 7x24
    clock = BusinessClock.from_spec(spec, date(2025, 9, 29), date(2025, 10, 4))
    assert clock.elapsed(sh(2025, 9, 30, 0), sh(2025, 10, 4, 0)) == (24 + 24) * 3600
    assert clock.add(sh(2025, 9, 30, 23), 7200) == sh(2025, 10, 3, 1)


def test_overnight_shift_belongs_to_the_day_it_starts():
    # Mon-Fri 22:00-06:00; Wednesday 2025-10-01 is a holiday: its night shift does not happen, Tuesday's
    # still runs into the Wednesday morning.
    spec = CalendarSpec("Asia/Shanghai", workweek_hours(("22:00", "06:00")),
                        holidays=frozenset({date(2025, 10, 1)}))
    clock = BusinessClock.from_spec(spec, date(2025, 9, 29), date(2025, 10, 5))
    assert clock.elapsed(sh(2025, 9, 30, 12), sh(2025, 10, 2, 12)) == 8 * 3600
    assert clock.add(sh(2025, 10, 1, 5), 3600 + 60) == sh(2025, 10, 2, 22, 1)
    # Friday's night runs into Saturday 06:00; nothing starts on the weekend.
    assert clock.elapsed(sh(2025, 10, 3, 12), sh(2025, 10, 5, 23)) == 8 * 3600


def test_overnight_shift_across_a_dst_change():
    # Berlin springs forward at 02:00 on Sunday 2025-03-30: Saturday's 22:00-06:00 lasts 7 real hours.
    berlin = ZoneInfo("Europe/Berlin")
    spec = CalendarSpec("Europe/Berlin", {5: [("22:00", "06:00")]})
    clock = BusinessClock.from_spec(spec, date(2025, 3, 29), date(2025, 3, 30))
    assert clock.elapsed(at(berlin, 2025, 3, 29), at(berlin, 2025, 3, 31)) == 7 * 3600


def test_date_hours_replace_the_weekday_and_the_borrowed_hours():
    spec = CalendarSpec("Asia/Shanghai", LUNCH_5X8,
                        adjusted_workdays=frozenset({date(2025, 9, 28)}),
                        date_hours={date(2025, 9, 28): [("10:00", "16:00")],  # a 调休 Sunday with other hours
                                    date(2025, 9, 30): [("09:00", "12:00")]})  # half day before National Day
    clock = BusinessClock.from_spec(spec, date(2025, 9, 27), date(2025, 10, 1))
    assert clock.elapsed(sh(2025, 9, 28, 0), sh(2025, 9, 29, 0)) == 6 * 3600
    assert clock.elapsed(sh(2025, 9, 29, 0), sh(2025, 9, 30, 0)) == 8 * 3600
    assert clock.elapsed(sh(2025, 9, 30, 0), sh(2025, 10, 1, 0)) == 3 * 3600
    with pytest.raises(ValueError):
        CalendarSpec("UTC", holidays=frozenset({date(2025, 1, 1)}), date_hours={date(2025, 1, 1): [("09:00", "12:00")]})
    assert spec != CalendarSpec("Asia/Shanghai", LUNCH_5X8, adjusted_workdays=frozenset({date(2025, 9, 28)}))


# --------------------------------------------------------------------------
# Availability, MTTR, MTBF
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service_window():
    # Service window Mon-Fri 08:00-20:00 Shanghai.
    spec = CalendarSpec("Asia/Shanghai", workweek_hours(("08:00", "20:00")))
    return BusinessClock.from_spec(spec, date(2025, 8, 1), date(2025, 9, 30))


def test_availability_announced_vs_unannounced_maintenance(service_window):
    # Week Mon 2025-09-01 .. Mon 09-08: agreed = 5 x 12 h = 216000 s.
    start, end = sh(2025, 9, 1), sh(2025, 9, 8)
    maintenance = {"maintenance_start": [sh(2025, 9, 2, 18)], "maintenance_end": [sh(2025, 9, 2, 22)]}
    # Outages: 0 planned Tue 18:00-20:00 (window 18-22; 2 h in the service window)
    #          1 unplanned Fri 09:00-09:30, 2 unplanned Fri 09:15-10:00 (merged: 1 h)
    o_start = [sh(2025, 9, 2, 18), sh(2025, 9, 5, 9), sh(2025, 9, 5, 9, 15)]
    o_end = [sh(2025, 9, 2, 20), sh(2025, 9, 5, 9, 30), sh(2025, 9, 5, 10)]
    planned = [True, False, False]
    day = 86400

    # Announced a week ahead, 24 h notice required: excused -> downtime 1 h.
    announced = [sh(2025, 8, 26), MISSING, MISSING]
    result = availability(service_window, start, end, o_start, o_end, planned=planned,
                          announced_at=announced, min_notice_seconds=day, **maintenance)
    assert (result.agreed_seconds, result.downtime_seconds, result.excused_seconds) == (216000, 3600, 7200)
    assert result.percent == pytest.approx(100 * (216000 - 3600) / 216000)  # 98.333...%

    # Announced only 10 min before (less than the 24 h notice): counts -> 3 h.
    late = [sh(2025, 9, 2, 17, 50), MISSING, MISSING]
    result = availability(service_window, start, end, o_start, o_end, planned=planned,
                          announced_at=late, min_notice_seconds=day, **maintenance)
    assert result.downtime_seconds == 3 * 3600
    assert result.percent == pytest.approx(100 * (216000 - 10800) / 216000)  # 95.0%

    # Announced, but the window is only 18:00-19:30: the 30 min overrun counts.
    result = availability(service_window, start, end, o_start, o_end, planned=planned,
                          announced_at=announced, maintenance_start=[sh(2025, 9, 2, 18)],
                          maintenance_end=[sh(2025, 9, 2, 19, 30)])
    assert result.downtime_seconds == 3600 + 1800

    # No outages at all: 100 %.
    assert availability(service_window, start, end, [], []).percent == 100.0


def test_mttr_mtbf():
    # 30-day period, outages 1 h, 2 h and 30 min (the last given as two
    # overlapping records 10:00-10:20 and 10:10-10:30 that merge).
    start = sh(2025, 9, 1)
    period = 30 * 86400
    o_start = [start + 3600, start + 5 * 86400, start + 9 * 86400 + 36000, start + 9 * 86400 + 36600]
    o_end = [start + 7200, start + 5 * 86400 + 7200, start + 9 * 86400 + 37200, start + 9 * 86400 + 37800]
    stats = outage_stats(start, start + period, o_start, o_end)
    # 3 outages, 3.5 h = 12600 s; MTTR = 12600 / 3 = 4200 s (70 min);
    # MTBF = (2592000 - 12600) / 3 = 859800 s (about 9.95 days).
    assert (stats.outages, stats.outage_seconds, stats.period_seconds) == (3, 12600, 2592000)
    assert stats.mttr == 4200
    assert stats.mtbf == 859800
    assert mttr(0, 0) is None and mtbf(period, 0, 0) is None


def test_outage_stats_in_business_time(service_window):
    # Mon 2025-09-01 19:00 - Tue 09:00 is 1 h + 1 h of the 08-20 window.
    start = sh(2025, 9, 1)
    stats = outage_stats(start, sh(2025, 9, 8), [sh(2025, 9, 1, 19)], [sh(2025, 9, 2, 9)],
                         clock=service_window)
    assert (stats.outages, stats.outage_seconds, stats.period_seconds) == (1, 7200, 216000)


def test_merge_intervals():
    starts, ends = merge_intervals([5, 1, 3, 10, 20], [6, 3, 4, 12, 20])
    assert starts.tolist() == [1, 5, 10] and ends.tolist() == [4, 6, 12]


# --------------------------------------------------------------------------
# Errors and edges
# --------------------------------------------------------------------------


def test_missing_year_2027_is_reported_not_fatal():
    with pytest.warns(MissingHolidayDataWarning, match="2027"):
        china = china_holidays([2026, 2027])
    assert china.missing_years == (2027,)
    assert date(2026, 10, 1) in china.holidays
    assert not any(day.year == 2027 for day in china.holidays | china.workdays)


def test_out_of_range_instants_raise(china_clock):
    inside = sh(2025, 6, 2, 10)
    with pytest.raises(ValueError, match="outside this business clock"):
        china_clock.elapsed([inside], [sh(2027, 1, 4, 10)])
    with pytest.raises(ValueError, match="outside this business clock"):
        china_clock.position([sh(2024, 12, 31, 10)])
    with pytest.raises(ValueError, match="MISSING"):
        china_clock.elapsed([MISSING], [inside])
    with pytest.raises(ValueError, match="beyond this business clock"):
        china_clock.add([inside], [10**9])
    with pytest.raises(ValueError):
        china_clock.add([inside], [-1])
    # The range edges themselves are valid.
    assert china_clock.position([china_clock.range_start, china_clock.range_end]).tolist() == [
        0, china_clock.total_seconds]


def test_spec_validation():
    with pytest.raises(ValueError):
        CalendarSpec("Asia/Shanghai", {0: [("09:00", "09:00")]})
    with pytest.raises(ValueError):
        CalendarSpec("Asia/Shanghai", {0: [("24:00", "09:00")]})
    assert CalendarSpec("Asia/Shanghai", {0: [("18:00", "09:00")]}).shifts_on(date(2025, 9, 1)) == ((1080, 1980),)
    with pytest.raises(ValueError):
        CalendarSpec("Asia/Shanghai", {7: [("09:00", "18:00")]})
    with pytest.raises(ValueError):
        CalendarSpec("Not/AZone")
    with pytest.raises(ValueError):
        CalendarSpec("UTC", holidays=frozenset({date(2025, 1, 1)}), adjusted_workdays=frozenset({date(2025, 1, 1)}))
    assert parse_hhmm("24:00") == 1440
    with pytest.raises(ValueError):
        parse_hhmm("24:30")
    spec = CalendarSpec("Asia/Shanghai", LUNCH_5X8)
    assert hash(spec) == hash(CalendarSpec("Asia/Shanghai", LUNCH_5X8)) and spec == CalendarSpec(
        "Asia/Shanghai", LUNCH_5X8)


def test_input_conversions(china_clock):
    stamps = np.array(["2025-09-15T01:00:00", "NaT"], dtype="datetime64[s]")  # 09:00 Shanghai
    assert to_epoch_seconds(stamps).tolist() == [sh(2025, 9, 15, 9), MISSING]
    assert to_epoch_seconds(np.array([1.0, np.nan])).tolist() == [1, MISSING]
    aware = [datetime(2025, 9, 15, 9, tzinfo=SHANGHAI), None]
    assert to_epoch_seconds(np.array(aware, dtype=object)).tolist() == [sh(2025, 9, 15, 9), MISSING]
    assert china_clock.elapsed(stamps[:1], np.array(["2025-09-15T02:00:00"], dtype="datetime64[s]")) == 3600
    with pytest.raises(ValueError, match="naive"):
        to_epoch_seconds(np.array([datetime(2025, 1, 1)], dtype=object))


def test_covering_builds_a_wide_enough_clock():
    spec = CalendarSpec("Asia/Shanghai", LUNCH_5X8)
    created, resolved = np.array([sh(2025, 9, 15, 9)]), np.array([sh(2025, 9, 16, 9)])
    clock = BusinessClock.covering(spec, created, resolved)
    assert clock.elapsed(created, resolved).tolist() == [8 * 3600]


def test_open_intervals_clip_to_the_query(china_clock):
    starts, ends = china_clock.open_intervals(sh(2025, 9, 15, 10), sh(2025, 9, 15, 14))
    assert starts.tolist() == [sh(2025, 9, 15, 10), sh(2025, 9, 15, 13)]
    assert ends.tolist() == [sh(2025, 9, 15, 12), sh(2025, 9, 15, 14)]
