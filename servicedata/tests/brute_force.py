"""The demo's business hours counted minute by minute, straight from the calendar: an independent recount for tests
that check the SLA engine's figures (Monday–Friday 09:00–12:00 and 13:00–18:00 Asia/Shanghai, public holidays and
adjusted workdays from `chinese_calendar`), never through the engine itself.

`ReferenceCalendar` does the same for any calendar as a company has it: weekly shifts (an end before the start runs
into the next morning and belongs to the day it starts), dates with their own hours, holidays, adjusted workdays
using a weekday's hours, 7x24 with or without its holidays closed. A minute is open when its local wall-clock
reading lies in a shift of that date or in the overnight part of the day before's."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

BJ = ZoneInfo("Asia/Shanghai")
MINUTE = timedelta(minutes=1)


@cache
def workday(day):
    return chinese_calendar.is_workday(day)


def is_business_minute(instant):
    local = instant.astimezone(BJ)
    if not workday(local.date()):
        return False
    minutes = local.hour * 60 + local.minute
    return 9 * 60 <= minutes < 12 * 60 or 13 * 60 <= minutes < 18 * 60


def _counts(t, pauses):
    return is_business_minute(t) and not any(start <= t < end for start, end in pauses)


def business_minutes(start, end, pauses=()):
    """Business minutes in [start, end), minutes inside a pause left out."""
    count, t = 0, start
    while t < end:
        count += _counts(t, pauses)
        t += MINUTE
    return count


def due_instant(start, minutes, pauses=()):
    """The instant `minutes` business minutes after `start` have passed."""
    count, t = 0, start
    while count < minutes:
        count += _counts(t, pauses)
        t += MINUTE
    return t


@dataclass
class ReferenceCalendar:
    """A calendar as plain data: shifts as (start, end) minutes after midnight, an end before the start meaning
    the next morning. `weekly`: {weekday 0=Mon: [(start, end)]}; `own_hours`: {date: [(start, end)]} replacing
    the weekday's (or the borrowed weekday's) shifts; `workdays` use the shifts of weekday `borrow_from`."""

    tz: ZoneInfo
    weekly: dict = field(default_factory=dict)
    own_hours: dict = field(default_factory=dict)
    holidays: frozenset = frozenset()
    workdays: frozenset = frozenset()
    borrow_from: int = 0
    always_open: bool = False
    closed_on_holidays: bool = False

    def shifts_of(self, day: date):
        if day in self.holidays:
            return []
        if day in self.own_hours:
            return self.own_hours[day]
        return self.weekly.get(self.borrow_from if day in self.workdays else day.weekday(), [])

    def is_open(self, instant) -> bool:
        local = instant.astimezone(self.tz)
        day = local.date()
        if self.always_open:
            return not (self.closed_on_holidays and day in self.holidays)
        minute = local.hour * 60 + local.minute
        if any(start <= minute < (end if end > start else 1440) for start, end in self.shifts_of(day)):
            return True
        return any(end < start and minute < end for start, end in self.shifts_of(day - timedelta(days=1)))

    def business_minutes(self, start, end, pauses=()):
        """Open minutes in [start, end), minutes inside a pause left out."""
        count, t = 0, start
        while t < end:
            count += self.is_open(t) and not any(p_start <= t < p_end for p_start, p_end in pauses)
            t += MINUTE
        return count
