"""Seeding China's holidays, calendar versions, and calendars as the SLA engine reads them."""

import io
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from core import audit, records
from core.businesstime import BusinessClock, CalendarSpec
from core.context import acting_as

from .. import calendars
from ..choices import DayKind, DaySource, HolidaySource
from ..models import Calendar, CalendarDay, WorkingHours
from . import helpers

BEIJING = ZoneInfo("Asia/Shanghai")


def at(*args) -> int:
    """Epoch seconds (UTC) of a Beijing wall-clock time."""
    return int(datetime(*args, tzinfo=BEIJING).astimezone(UTC).timestamp())


@pytest.fixture
def china_calendar(demo):
    return helpers.calendar(demo["admin"], name="测试 5x8 中国", holiday_source=HolidaySource.CHINA)


# ---- seeding -------------------------------------------------------------------------------

def test_seeding_2025_has_national_day_and_an_adjusted_workday_and_flags_2027(demo, china_calendar):
    result = calendars.seed_china_holidays(china_calendar, [2025, 2026, 2027], demo["admin"])
    assert result.missing_years == [2027]
    assert result.seeded_years == [2025, 2026]
    days = {d.date: d for d in china_calendar.days.filter(date__year=2025)}
    for day in (1, 2, 3, 6, 7, 8):
        assert days[date(2025, 10, day)].kind == DayKind.HOLIDAY
        assert days[date(2025, 10, day)].source == DaySource.SEEDED
    assert days[date(2025, 10, 1)].name == "国庆节"
    workdays = [d for d in days.values() if d.kind == DayKind.WORKDAY]
    assert workdays and all(d.date.weekday() >= 5 for d in workdays)
    assert date(2025, 9, 28) in {d.date for d in workdays}
    china_calendar.refresh_from_db()
    assert china_calendar.holiday_years == [2025, 2026]
    assert china_calendar.missing_years([2025, 2026, 2027]) == [2027]
    warning = calendars.holiday_warning(china_calendar, date(2026, 12, 1), date(2027, 1, 31))
    assert warning and "2027" in warning and "2026" not in warning
    assert calendars.holiday_warning(china_calendar, date(2025, 1, 1), date(2026, 12, 31)) is None


def test_reseeding_changes_nothing_and_keeps_manual_entries(demo, china_calendar):
    admin = demo["admin"]
    first = calendars.seed_china_holidays(china_calendar, [2025], admin)
    day = china_calendar.days.get(date=date(2025, 10, 8))
    before = audit.snapshot(day)
    day.name, day.source = "公司自定：国庆加班", DaySource.MANUAL
    day.kind = DayKind.WORKDAY
    with acting_as(admin):
        records.update(day, admin, before)
    again = calendars.seed_china_holidays(china_calendar, [2025], admin)
    assert (again.created, again.updated, again.removed, again.kept_manual) == (0, 0, 0, 1)
    assert china_calendar.days.get(date=date(2025, 10, 8)).kind == DayKind.WORKDAY
    assert again.version.number == first.version.number + 1  # the manual edit, frozen once
    assert calendars.seed_china_holidays(china_calendar, [2025], admin).version == again.version


def test_seed_holidays_command_reports_missing_years(demo, china_calendar):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_holidays", "--calendar", china_calendar.name, "--years", "2026-2027", stdout=out, stderr=err)
    assert "2026" in out.getvalue()
    assert "2027" in err.getvalue() and "WARNING" in err.getvalue()
    assert china_calendar.days.filter(date__year=2026, kind=DayKind.HOLIDAY).exists()


def test_demo_calendar_is_seeded_and_flags_2027(demo):
    cal = Calendar.objects.get(name="5x8 北京")
    assert cal.missing_years([2024, 2025, 2026, 2027]) == [2027]
    assert cal.days.filter(date=date(2025, 10, 1), kind=DayKind.HOLIDAY).exists()
    assert Calendar.objects.get(name="7x24").missing_years([2027]) == []


# ---- versions ------------------------------------------------------------------------------

def test_a_calendar_edit_makes_a_new_version_and_the_old_one_still_measures_the_same(demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin, name="版本测试")
    v1 = cal.current_version()
    ticket = (at(2025, 6, 3, 17, 0), at(2025, 6, 4, 10, 0))  # Tue 17:00 -> Wed 10:00

    def measured(version):
        clock = BusinessClock.from_spec(cal.to_spec(version), date(2025, 6, 1), date(2025, 6, 30))
        return int(clock.elapsed(*ticket))

    assert measured(v1.number) == 2 * 3600
    calendars.replace_working_hours(cal, admin, [
        {"weekday": d, "start": time(8, 30), "end": time(17, 30)} for d in range(5)])
    v2 = calendars.record_version(cal, admin, "8:30-17:30")
    assert v2.number == v1.number + 1
    assert measured(v2.number) == 30 * 60 + 90 * 60
    assert measured(v1.number) == 2 * 3600  # the past figure does not move
    assert calendars.record_version(cal, admin) == v2  # nothing changed: no new version


def test_current_version_catches_an_edit_that_bypassed_the_services(demo):
    cal = helpers.calendar(demo["admin"], name="绕过测试")
    v1 = cal.current_version()
    WorkingHours.objects.filter(calendar=cal, weekday=0, start=time(9)).update(start=time(8))
    v2 = cal.current_version()
    assert v2.number == v1.number + 1
    assert v2.data["weekly_hours"]["0"][0] == ["08:00", "12:00"]
    assert v1.to_spec().weekly_hours[0][0] == ("09:00", "12:00")


def test_frozen_data_round_trips_into_the_engine_spec(demo):
    cal = Calendar.objects.get(name="5x8 北京")
    spec = cal.to_spec()
    assert isinstance(spec, CalendarSpec)
    assert spec.tz == "Asia/Shanghai" and not spec.always_open
    assert spec.weekly_hours[0] == (("09:00", "12:00"), ("13:00", "18:00"))
    assert 6 not in spec.weekly_hours
    assert date(2025, 10, 1) in spec.holidays and date(2025, 9, 28) in spec.adjusted_workdays
    version = cal.current_version()
    assert calendars.spec_from_data(version.data) == spec
    assert Calendar.objects.get(name="7x24").to_spec().always_open


# ---- worked examples on the 5x8 Beijing calendar -------------------------------------------

@pytest.fixture
def beijing_clock(demo):
    spec = Calendar.objects.get(name="5x8 北京").to_spec()
    return BusinessClock.from_spec(spec, date(2025, 1, 1), date(2025, 12, 31))


def test_elapsed_over_a_lunch_break(beijing_clock):
    # Tue 2025-06-03 11:30 -> 14:00: 11:30-12:00 and 13:00-14:00 count, the lunch hour does not.
    assert int(beijing_clock.elapsed(at(2025, 6, 3, 11, 30), at(2025, 6, 3, 14, 0))) == 90 * 60


def test_elapsed_over_national_day(beijing_clock):
    # Tue 2025-09-30 17:50 -> Thu 2025-10-09 09:10: 10 min before closing, Oct 1-8 closed, 10 min on the 9th.
    assert int(beijing_clock.elapsed(at(2025, 9, 30, 17, 50), at(2025, 10, 9, 9, 10))) == 20 * 60


def test_elapsed_over_an_adjusted_saturday_workday(beijing_clock):
    # Fri 2025-10-10 17:00 -> Mon 10-13 10:00: Fri 1 h + Saturday 10-11 (调休, Monday hours) 8 h + Mon 1 h.
    assert int(beijing_clock.elapsed(at(2025, 10, 10, 17, 0), at(2025, 10, 13, 10, 0))) == 10 * 3600


def test_a_manual_holiday_changes_only_new_versions(demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin, name="手工假日")
    v1 = cal.current_version()
    with acting_as(admin):
        records.create(CalendarDay(calendar=cal, date=date(2025, 6, 4), kind=DayKind.HOLIDAY, name="司庆"), admin)
    v2 = calendars.record_version(cal, admin, "司庆")
    assert date(2025, 6, 4) in v2.to_spec().holidays and date(2025, 6, 4) not in v1.to_spec().holidays
