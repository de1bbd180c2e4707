"""When a service is open: weekly shifts, holidays and adjusted working days (调休), in wall-clock terms.

No Django here: the catalogue turns its calendar rows into a ``CalendarSpec``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_hhmm(text: str) -> int:
    """Minutes after midnight for "HH:MM"; "24:00" (end of day) is allowed."""
    match = _HHMM.match(text.strip())
    if not match:
        raise ValueError(f"time {text!r} is not HH:MM")
    hours, minutes = int(match[1]), int(match[2])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"time {text!r} is out of 00:00..24:00")
    return hours * 60 + minutes


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def shift_span(start: str, end: str) -> tuple[int, int]:
    """(start, end) minutes of a shift of one day; an end before the start runs into the next morning
    (22:00-06:00 -> (1320, 1800)), so the end may lie beyond 1440 (at most 2880)."""
    lo, hi = parse_hhmm(start), parse_hhmm(end)
    if lo == 1440:
        raise ValueError(f"shift {start}-{end} starts at the end of the day")
    if hi < lo:
        hi += 1440
    if hi == lo:
        raise ValueError(f"shift {start}-{end} is empty")
    return lo, hi


def _shifts(shifts: Sequence[tuple[str, str]], where: str):
    text = tuple((str(start), str(end)) for start, end in shifts)
    try:
        return text, tuple(sorted(shift_span(start, end) for start, end in text))
    except ValueError as exc:
        raise ValueError(f"{exc} ({where})") from None


def _normalise_hours(weekly_hours: Mapping[int, Sequence[tuple[str, str]]]):
    """Validated copy of ``weekly_hours`` and its shifts in minutes per weekday."""
    hours: dict[int, tuple[tuple[str, str], ...]] = {}
    minutes: list[tuple[tuple[int, int], ...]] = [()] * 7
    for day, shifts in weekly_hours.items():
        if int(day) not in range(7):
            raise ValueError(f"weekday {day!r} is not 0 (Monday) .. 6 (Sunday)")
        hours[int(day)], minutes[int(day)] = _shifts(shifts, f"weekday {day}")
    return hours, tuple(minutes)


def _normalise_date_hours(date_hours: Mapping[date, Sequence[tuple[str, str]]]):
    hours, minutes = {}, {}
    for day, shifts in date_hours.items():
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        hours[day], minutes[day] = _shifts(shifts, f"date {day}")
    return hours, minutes


@dataclass(frozen=True)
class CalendarSpec:
    """When a service is open, in local wall-clock terms.

    ``weekly_hours``: ``{weekday 0=Mon..6=Sun: [("09:00", "12:00"), ("13:30", "18:00")]}``
    (split shifts allowed, "24:00" allowed as an end, missing weekday = closed).
    A shift whose end is before its start (``("22:00", "06:00")``) is an
    overnight shift: it runs into the next morning and belongs to the day it
    starts, so it does not happen when that day is a holiday (and still runs
    into a holiday morning when the day before is a working day).
    ``holidays``: dates closed all day.  ``adjusted_workdays``: dates that are
    working days whatever their weekday (China's 调休), using the hours of
    weekday ``adjusted_workday_hours_from`` (default Monday).  A date may not be
    both.  ``date_hours``: ``{date: [("09:00", "12:00")]}``, dates with their
    own shifts (a half day before a holiday, an adjusted workday with other
    hours); they replace the weekday's (or the borrowed weekday's) hours on
    that date; a date may not be both a holiday and have its own hours.
    ``always_open``: 7x24, open every instant; weekly hours, own hours and
    adjusted workdays are then ignored, and so are holidays unless
    ``closed_on_holidays``: then every instant of a holiday's date is closed.
    Overlapping shifts (a day's own hours starting before the overnight shift
    of the day before ends) count once.
    """

    tz: str
    weekly_hours: Mapping[int, Sequence[tuple[str, str]]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    adjusted_workdays: frozenset[date] = frozenset()
    adjusted_workday_hours_from: int = 0
    always_open: bool = False
    date_hours: Mapping[date, Sequence[tuple[str, str]]] = field(default_factory=dict)
    closed_on_holidays: bool = False

    def __post_init__(self) -> None:
        _zone(self.tz)
        hours, minutes = _normalise_hours(self.weekly_hours)
        object.__setattr__(self, "weekly_hours", hours)
        date_hours, date_minutes = _normalise_date_hours(self.date_hours)
        object.__setattr__(self, "date_hours", date_hours)
        object.__setattr__(self, "_date_minutes", date_minutes)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "adjusted_workdays", frozenset(self.adjusted_workdays))
        object.__setattr__(self, "_minutes", minutes)
        if self.adjusted_workday_hours_from not in range(7):
            raise ValueError("adjusted_workday_hours_from must be a weekday 0..6")
        clash = self.holidays & self.adjusted_workdays
        if clash:
            raise ValueError(f"dates both holiday and adjusted workday: {sorted(clash)[:5]}")
        clash = self.holidays & set(date_hours)
        if clash:
            raise ValueError(f"dates both holiday and with their own hours: {sorted(clash)[:5]}")

    def __hash__(self) -> int:
        return hash((self.tz, self._minutes, self.holidays, self.adjusted_workdays,
                     self.adjusted_workday_hours_from, self.always_open, self.closed_on_holidays,
                     tuple(sorted(self._date_minutes.items()))))

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.tz)

    def shifts_on_weekday(self, weekday: int) -> tuple[tuple[int, int], ...]:
        """The weekly shifts of a weekday (0 = Monday) in minutes, an overnight one ending beyond 1440."""
        return self._minutes[weekday]

    def shifts_on(self, day: date) -> tuple[tuple[int, int], ...]:
        """Open shifts starting on a local date as (start, end) minutes after its midnight; an overnight
        shift ends beyond 1440 (in the next morning)."""
        if self.always_open:
            return () if self.closed_on_holidays and day in self.holidays else ((0, 1440),)
        if day in self.holidays:
            return ()
        if day in self._date_minutes:
            return self._date_minutes[day]
        if day in self.adjusted_workdays:
            return self._minutes[self.adjusted_workday_hours_from]
        return self._minutes[day.weekday()]


def workweek_hours(*shifts: tuple[str, str], days: Iterable[int] = range(5)) -> dict:
    """``weekly_hours`` with the same shifts on ``days`` (default Mon-Fri)."""
    return {day: list(shifts) for day in days}


class ChinaHolidays(NamedTuple):
    holidays: frozenset[date]
    workdays: frozenset[date]
    missing_years: tuple[int, ...]


class MissingHolidayDataWarning(UserWarning):
    """The holiday package has no data for some requested years."""


def china_holidays(years: Iterable[int]) -> ChinaHolidays:
    """China's official holidays and 调休 workdays for ``years``.

    Only days that differ from the Mon-Fri pattern are returned: holidays
    falling on Mon-Fri, workdays falling on Sat/Sun.  Years the
    ``chinese_calendar`` package has no data for are listed in
    ``missing_years`` (and warned about) instead of failing; their days are
    treated as a plain Mon-Fri week by a calendar built from this result.
    """
    from chinese_calendar import constants

    years = sorted({int(year) for year in years})
    covered = range(min(constants.holidays).year, max(constants.holidays).year + 1)
    wanted = set(years) & set(covered)
    holidays = frozenset(day for day in constants.holidays if day.year in wanted and day.weekday() < 5)
    workdays = frozenset(day for day in constants.workdays if day.year in wanted and day.weekday() >= 5)
    missing = tuple(year for year in years if year not in covered)
    if missing:
        warnings.warn(f"chinese_calendar has no holiday data for {list(missing)}; "
                      "those years are treated as plain Mon-Fri weeks",
                      MissingHolidayDataWarning, stacklevel=2)
    return ChinaHolidays(holidays, workdays, missing)
