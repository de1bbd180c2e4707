"""The State Council's announcement read into holidays and adjusted workdays, checked against chinese-calendar's
data for the years it has, and applied to a calendar (audited, one version, the year marked as covered)."""

from datetime import date

import chinese_calendar
import pytest
from chinese_calendar import constants
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core.models import AuditEntry

from ..announcements import import_text, parse
from ..choices import DayKind, DaySource, HolidaySource
from ..models import CalendarDay
from . import helpers
from .announcement_texts import ANNOUNCEMENT_2025, ANNOUNCEMENT_2026, CROSSING_YEARS, NEXT_YEAR_RANGE


def package_days(year):
    return ({d for d in constants.holidays if d.year == year}, {d for d in constants.workdays if d.year == year})


@pytest.mark.parametrize(("text", "year"), [(ANNOUNCEMENT_2025, 2025), (ANNOUNCEMENT_2026, 2026)])
def test_announcement_equals_the_package_days(text, year):
    announcement = parse(text)
    assert announcement.year == year
    holidays, workdays = package_days(year)
    assert holidays and set(announcement.holidays) == holidays
    assert set(announcement.workdays) == workdays
    for day in announcement.days:  # every day is what chinese-calendar says of it
        assert chinese_calendar.is_holiday(day.date) == (day.kind == DayKind.HOLIDAY), day


def test_names_and_forms_of_the_2025_announcement():
    days = {d.date: d for d in parse(ANNOUNCEMENT_2025).days}
    assert days[date(2025, 1, 28)].name == "春节" and days[date(2025, 2, 4)].name == "春节"
    assert days[date(2025, 1, 26)].kind == DayKind.WORKDAY and days[date(2025, 1, 26)].name == "春节 调休"
    assert days[date(2025, 10, 8)].name == "国庆节、中秋节"
    assert days[date(2025, 6, 2)].name == "端午节"  # 5月31日至6月2日
    assert len([d for d in days.values() if d.name == "元旦"]) == 1


def test_ranges_across_the_year_end_and_full_or_half_width_text():
    crossing = parse(CROSSING_YEARS)
    holidays, workdays = package_days(2019)
    assert set(crossing.holidays) == {date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1)} | {
        d for d in holidays if d.month == 2}
    assert set(crossing.workdays) == {date(2018, 12, 29), date(2019, 2, 2), date(2019, 2, 3)}
    assert {date(2018, 12, 29), date(2019, 2, 2), date(2019, 2, 3)} == {
        d for d in constants.workdays if date(2018, 12, 1) <= d <= date(2019, 2, 28)}
    wide = parse(NEXT_YEAR_RANGE.replace("1", "１").replace("2", "２"), year=2019)
    assert wide.holidays[:3] == [date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1)]
    assert wide.workdays == [date(2018, 12, 29)]
    assert wide.holidays[3:] == [date(2019, 1, 28 + i) for i in range(4)] + [date(2019, 2, i) for i in range(1, 5)]


def test_unreadable_announcements_name_the_item():
    with pytest.raises(ValidationError) as caught:
        parse(ANNOUNCEMENT_2025.replace("共8天。1月26日", "共9天。1月26日"))
    assert "春节" in " ".join(caught.value.messages) and "9" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        parse("一、元旦：1月1日放假。")
    assert "year" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        parse("随便一段话", year=2027)
    assert "text" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        parse("一、春节：2月30日放假。", year=2027)
    assert "春节" in " ".join(caught.value.messages)


def test_import_writes_the_days_marks_the_year_and_keeps_manual_days(demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin, holiday_source=HolidaySource.MANUAL)
    text = ANNOUNCEMENT_2026.replace("2026", "2031")  # a year the package lacks (dates are only checked as dates)
    manual = helpers.day(admin, cal, date(2031, 2, 14), DayKind.HOURS, hours="09:00-12:00")
    assert cal.missing_years([2031]) == [2031]
    versions = cal.versions.count()
    result = import_text(cal, text, admin)
    cal.refresh_from_db()
    assert cal.holiday_years == [2031] and cal.missing_years([2031]) == []
    assert result.kept_manual == 1 and result.created == len(parse(text).days) - 1
    assert cal.versions.count() == versions + 1 and result.version.data["holiday_years"] == [2031]
    assert CalendarDay.objects.get(pk=manual.pk).kind == DayKind.HOURS  # entered by hand: kept
    assert cal.days.filter(source=DaySource.ANNOUNCEMENT, date=date(2031, 10, 1), kind=DayKind.HOLIDAY).exists()
    assert AuditEntry.objects.filter(object_id=str(cal.days.get(date=date(2031, 10, 1)).pk)).exists()
    again = import_text(cal, text, admin)  # idempotent: nothing written, no new version
    assert (again.created, again.updated, again.removed) == (0, 0, 0) and cal.versions.count() == versions + 1


def test_command_imports_a_file(demo, tmp_path, capsys):
    cal = helpers.calendar(demo["admin"], holiday_source=HolidaySource.MANUAL)
    path = tmp_path / "2031.txt"
    path.write_text(ANNOUNCEMENT_2026.replace("2026", "2031"), encoding="utf-8")
    call_command("import_holiday_announcement", str(path), calendar=cal.name)
    assert "2031" in capsys.readouterr().out
    assert cal.days.filter(date__year=2031).count() == len(parse(path.read_text(encoding="utf-8")).days)
