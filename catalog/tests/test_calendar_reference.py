"""The issue's calendar test: per-date hours, overnight shifts and 7x24 with holidays equal a brute-force reference on
random tickets. Random calendars are entered as a person would (rows through the services the pages use), frozen
into a version, and the SLA clocks of random tickets computed from that version (`compute_ticket_clocks`) are
compared with servicedata.tests.brute_force.ReferenceCalendar, which walks every minute of the wall clock."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import records
from core.businesstime import MISSING, BusinessClock, compute_ticket_clocks
from core.context import acting_as
from servicedata.tests.brute_force import ReferenceCalendar

from .. import calendars
from ..choices import DayKind, HolidaySource
from ..models import Calendar, CalendarDay, format_day_hours

WINDOW_DAYS = 8
ANCHORS = [(ZoneInfo("Asia/Shanghai"), date(2025, 9, 26)), (ZoneInfo("Europe/Berlin"), date(2025, 3, 26)),
           (ZoneInfo("Europe/Berlin"), date(2025, 10, 22)), (ZoneInfo("Asia/Shanghai"), date(2025, 12, 27))]


@st.composite
def day_shifts(draw):
    """Shifts of one day that never overlap each other nor the next day's: daytime ones inside 06:00-22:00 and
    at most one starting from 22:00, ending at midnight or overnight by 06:00 (as one row, end before start)."""
    points = sorted(draw(st.lists(st.integers(72, 264).map(lambda m: m * 5), max_size=4, unique=True)))
    shifts = [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]
    if draw(st.booleans()):
        start = draw(st.integers(264, 287)) * 5
        end = draw(st.sampled_from([1440, *range(5, 365, 5)]))
        shifts.append((start, end))
    return shifts


@st.composite
def cases(draw):
    zone, first = draw(st.sampled_from(ANCHORS))
    days = [first + timedelta(days=i) for i in range(-1, WINDOW_DAYS + 1)]
    holidays = draw(st.sets(st.sampled_from(days), max_size=3))
    workdays = draw(st.sets(st.sampled_from(days), max_size=2)) - holidays
    own = draw(st.sets(st.sampled_from(days), max_size=3)) - holidays
    reference = ReferenceCalendar(
        tz=zone, weekly={d: draw(day_shifts()) for d in range(7)},
        own_hours={d: draw(day_shifts().filter(bool)) for d in sorted(own)},
        holidays=frozenset(holidays), workdays=frozenset(workdays), borrow_from=draw(st.integers(0, 6)),
        always_open=draw(st.integers(0, 4)) == 0)
    reference.closed_on_holidays = reference.always_open and draw(st.booleans())
    total = WINDOW_DAYS * 1440
    n = draw(st.integers(1, 4))
    created = draw(st.lists(st.integers(0, total - 1), min_size=n, max_size=n))
    tickets = []
    for c in created:
        responded = draw(st.one_of(st.none(), st.integers(c, total)))
        resolved = draw(st.one_of(st.none(), st.integers(responded or c, total)))
        pause = draw(st.one_of(st.none(), st.tuples(st.integers(c, total), st.integers(0, 2000))))
        tickets.append((c, responded, resolved, pause))
    targets = draw(st.lists(st.integers(0, 3000), min_size=2, max_size=2))
    return reference, first, tickets, targets


def clock_time(minutes):
    return time(0) if minutes == 1440 else time(minutes // 60, minutes % 60)


def enter(reference: ReferenceCalendar, admin) -> Calendar:
    """The calendar as a person enters it: the calendar, its shift rows, then its days; one version."""
    cal = records.create(Calendar(name="随机日历", time_zone=reference.tz.key, always_open=reference.always_open,
                                  closed_on_holidays=reference.closed_on_holidays,
                                  adjusted_workday_hours_from=reference.borrow_from,
                                  holiday_source=HolidaySource.MANUAL), admin)
    calendars.replace_working_hours(cal, admin, [
        {"weekday": d, "start": clock_time(start), "end": clock_time(end)}
        for d, shifts in reference.weekly.items() for start, end in shifts])
    for day in reference.holidays:
        records.create(CalendarDay(calendar=cal, date=day, kind=DayKind.HOLIDAY, name="假日"), admin)
    for day in reference.workdays | set(reference.own_hours):
        hours = format_day_hours([(s, e + 1440 if e < s else e) for s, e in reference.own_hours.get(day, [])])
        kind = DayKind.WORKDAY if day in reference.workdays else DayKind.HOURS
        records.create(CalendarDay(calendar=cal, date=day, kind=kind, hours=hours), admin)
    calendars.record_version(cal, admin, "random")
    return cal


def test_ticket_clocks_equal_the_brute_force_reference(demo):
    admin = demo["admin"]

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=cases())
    def check(case):
        reference, first, tickets, (response_target, resolution_target) = case
        base = datetime.combine(first, time(), reference.tz).astimezone(UTC)
        end = datetime.combine(first + timedelta(days=WINDOW_DAYS), time(), reference.tz).astimezone(UTC)

        def instant(minutes):
            return min(base + timedelta(minutes=minutes), end)

        with acting_as(admin), transaction.atomic():
            spec = calendars.current_version(enter(reference, admin)).to_spec()
            transaction.set_rollback(True)
        clock = BusinessClock.from_spec(spec, first - timedelta(days=1), first + timedelta(days=WINDOW_DAYS))
        as_of = int(end.timestamp())

        def epoch(minutes):
            return MISSING if minutes is None else int(instant(minutes).timestamp())

        pauses = [(i, t[3]) for i, t in enumerate(tickets) if t[3]]
        got = compute_ticket_clocks(
            clock, np.array([epoch(t[0]) for t in tickets]), np.array([epoch(t[1]) for t in tickets]),
            np.array([epoch(t[2]) for t in tickets]), np.full(len(tickets), response_target * 60),
            np.full(len(tickets), resolution_target * 60), as_of,
            np.array([i for i, _p in pauses], dtype=np.int64),
            np.array([epoch(p[0]) for _i, p in pauses], dtype=np.int64),
            np.array([epoch(p[0] + p[1]) for _i, p in pauses], dtype=np.int64))
        for i, (created, responded, resolved, pause) in enumerate(tickets):
            start = instant(created)
            response = reference.business_minutes(start, instant(responded) if responded is not None else end)
            paused = [(instant(pause[0]), instant(pause[0] + pause[1]))] if pause else []
            resolution = reference.business_minutes(start, instant(resolved) if resolved is not None else end,
                                                    paused)
            assert got.response_elapsed[i] == response * 60, (i, reference)
            assert got.resolution_elapsed[i] == resolution * 60, (i, reference)
            assert got.response_breached[i] == (response > response_target)
            assert got.resolution_breached[i] == (resolution > resolution_target)
            assert got.response_seconds[i] == (response * 60 if responded is not None else MISSING)

    check()
