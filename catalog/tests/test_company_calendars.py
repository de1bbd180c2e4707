"""Calendars as companies have them, through the pages and the API: overnight shifts as one row, a date's own
hours, 7x24 closed on public holidays, the announcement import page; old frozen versions stay readable; a report
for a year without holiday data says so until the year's announcement is imported."""

from datetime import date

import pytest
from django.conf import settings

from catalog.tests.test_pages_api import formset
from core.models import AuditEntry
from reporting.figures import build_snapshot
from servicedata import sla
from servicedata.sla.context import contract_calendar
from servicedata.tests.conftest import demo_contract

from .. import announcements, calendars
from ..choices import DayKind, DaySource, HolidaySource
from ..models import Calendar, CalendarDay, CalendarVersion
from . import helpers
from .announcement_texts import ANNOUNCEMENT_2026

# Not a published announcement: a 2027 text in the State Council's form, for a year chinese-calendar 1.11 lacks.
ANNOUNCEMENT_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）上班。
"""


@pytest.fixture
def english_client(client_for):
    def make(username):
        client = client_for(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def calendar_form(cal, **fields):
    data = {"name": cal.name, "time_zone": "Asia/Shanghai", "adjusted_workday_hours_from": "0",
            "holiday_source": "manual", "holiday_years_text": "", "seed_years": ""}
    return data | fields


def test_overnight_shift_entered_as_one_row_on_the_page(english_client, demo):
    cal = helpers.calendar(demo["admin"], name="夜班", days=[])
    rows = [{"calendar": cal.pk, "weekday": "0", "start": "22:00", "end": "06:00"},
            {"calendar": cal.pk, "weekday": "1", "start": "05:00", "end": "09:00"}]
    response = english_client("admin").post(f"/catalog/calendar/{cal.pk}/edit/",
                                             calendar_form(cal) | formset("hours", rows))
    assert response.status_code == 200
    assert "Row 2 (Tuesday 05:00–09:00) overlaps Row 1 (Monday 22:00–06:00 (next day))" in response.content.decode()
    rows[1]["start"] = "06:00"
    response = english_client("admin").post(f"/catalog/calendar/{cal.pk}/edit/",
                                             calendar_form(cal) | formset("hours", rows))
    assert response.status_code == 302, response.content.decode()[-3000:]
    version = cal.current_version()
    assert version.data["weekly_hours"] == {"0": [["22:00", "06:00"]], "1": [["06:00", "09:00"]]}
    assert version.to_spec().shifts_on(date(2025, 9, 1)) == ((1320, 1800),)
    html = english_client("auditor").get(f"/catalog/calendar/{cal.pk}/?year=2025").content.decode()
    assert "22:00–06:00 (next day)" in html and "overnight" in html


def test_always_open_closed_on_holidays_on_the_page_and_api(english_client, client_for, demo):
    cal = helpers.calendar(demo["admin"], name="7x24 节假日休", days=[])
    helpers.day(demo["admin"], cal, date(2025, 10, 1), DayKind.HOLIDAY, "国庆节")
    refused = english_client("admin").post(f"/catalog/calendar/{cal.pk}/edit/", calendar_form(
        cal, closed_on_holidays="on") | formset("hours", []))
    assert refused.status_code == 200 and "always-open (7x24) calendar only" in refused.content.decode()
    response = english_client("admin").post(f"/catalog/calendar/{cal.pk}/edit/", calendar_form(
        cal, always_open="on", closed_on_holidays="on") | formset("hours", []))
    assert response.status_code == 302, response.content.decode()[-3000:]
    version = cal.current_version()
    assert version.data["closed_on_holidays"] is True
    spec = version.to_spec()
    assert spec.shifts_on(date(2025, 10, 1)) == () and spec.shifts_on(date(2025, 10, 2)) == ((0, 1440),)
    cal.refresh_from_db()
    assert cal.missing_years([2025]) == [2025]  # its holidays count now, so a year without them is flagged
    html = english_client("auditor").get(f"/catalog/calendar/{cal.pk}/?year=2025").content.decode()
    assert 'id="closed-on-holidays"' in html and 'data-date="2025-10-01"' in html
    api = client_for("admin").patch(f"/api/catalog/calendars/{cal.pk}/", {"closed_on_holidays": False},
                                    content_type="application/json")
    assert api.status_code == 200 and api.json()["closed_on_holidays"] is False
    cal.refresh_from_db()
    assert "closed_on_holidays" not in cal.current_version().data and cal.missing_years([2030]) == []


def test_a_dates_own_hours_on_the_day_page_and_api(english_client, client_for, demo):
    cal = helpers.calendar(demo["admin"], name="半天", holiday_source=HolidaySource.MANUAL)
    page = english_client("admin").post("/catalog/calendarday/add/", {
        "calendar": cal.pk, "date": "2025-09-30", "kind": DayKind.HOURS, "name": "国庆前半天", "hours": "09:00-12:00"})
    assert page.status_code == 302, page.content.decode()[-3000:]
    bad = english_client("admin").post("/catalog/calendarday/add/", {
        "calendar": cal.pk, "date": "2025-10-01", "kind": DayKind.HOLIDAY, "hours": "09:00-12:00"})
    assert bad.status_code == 200 and "leave its hours empty" in bad.content.decode()
    api = client_for("admin").post("/api/catalog/calendar-days/", {
        "calendar": cal.pk, "date": "2025-09-28", "kind": DayKind.WORKDAY, "name": "调休", "hours": "10:00–16:00"},
        content_type="application/json")
    assert api.status_code == 201, api.content
    assert api.json()["hours"] == "10:00–16:00"
    wrong = client_for("admin").post("/api/catalog/calendar-days/", {
        "calendar": cal.pk, "date": "2025-09-29", "kind": DayKind.HOURS, "hours": "9点到12点"},
        content_type="application/json")
    assert wrong.status_code == 400 and "hours" in wrong.json()
    version = cal.current_version()
    assert version.data["date_hours"] == {"2025-09-28": [["10:00", "16:00"]], "2025-09-30": [["09:00", "12:00"]]}
    assert version.data["adjusted_workdays"] == ["2025-09-28"]
    spec = version.to_spec()
    assert spec.shifts_on(date(2025, 9, 30)) == ((540, 720),) and spec.shifts_on(date(2025, 9, 28)) == ((600, 960),)
    html = english_client("auditor").get(f"/catalog/calendar/{cal.pk}/?year=2025").content.decode()
    assert 'data-hours="09:00–12:00"' in html and "day-hours" in html


def test_old_frozen_versions_stay_readable_and_keep_their_digest(demo):
    cal = Calendar.objects.get(name="5x8 北京")
    data = calendars.frozen_data(cal)
    assert "date_hours" not in data and "closed_on_holidays" not in data  # nothing new: the digest is as before
    old = CalendarVersion.objects.filter(calendar=cal).order_by("number").first()
    assert old.to_spec().date_hours == {} and old.to_spec().closed_on_holidays is False
    assert cal.current_version().digest == calendars.digest_of(data)


def test_announcement_page_previews_then_imports(english_client, demo):
    cal = helpers.calendar(demo["admin"], name="公告日历", holiday_source=HolidaySource.MANUAL)
    url = f"/catalog/calendar/{cal.pk}/announcement/"
    assert english_client("svc_manager").get(url).status_code == 403
    assert english_client("admin").get(url).status_code == 200
    text = ANNOUNCEMENT_2026.replace("2026", "2031")
    preview = english_client("admin").post(url, {"text": text})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="announcement-preview"' in html and "step-add" in html
    assert not cal.days.exists()  # a preview writes nothing
    bad = english_client("admin").post(url, {"text": "三、清明节：4月4日至6日放假，共4天。", "year": "2031"})
    assert "清明节" in bad.content.decode() and "the text says 4" in bad.content.decode()
    done = english_client("admin").post(url, {"text": text, "confirm": "1"})
    assert done.status_code == 302 and done["Location"].endswith("?year=2031")
    assert cal.days.filter(source=DaySource.ANNOUNCEMENT).count() == len(announcements.parse(text).days)
    cal.refresh_from_db()
    assert cal.holiday_years == [2031]
    page = english_client("auditor").get(f"/catalog/calendar/{cal.pk}/?year=2031").content.decode()
    assert "Imported announcement" in page


def test_announcement_api_previews_and_imports(client_for, demo):
    cal = helpers.calendar(demo["admin"], name="公告接口", holiday_source=HolidaySource.MANUAL)
    url = f"/api/catalog/calendars/{cal.pk}/announcement/"
    body = {"text": ANNOUNCEMENT_2027, "preview": True}
    assert client_for("svc_staff").post(url, body, content_type="application/json").status_code == 403
    preview = client_for("admin").post(url, body, content_type="application/json")
    assert preview.status_code == 200, preview.content
    assert preview.json()["year"] == 2027 and preview.json()["version"] is None
    assert {s["action"] for s in preview.json()["steps"]} == {"add"} and not cal.days.exists()
    done = client_for("admin").post(url, {"text": ANNOUNCEMENT_2027}, content_type="application/json")
    assert done.status_code == 200 and done.json()["created"] == 12 and done.json()["version"]
    assert AuditEntry.objects.filter(object_id=str(cal.pk), comment__contains="2027").exists()
    bad = client_for("admin").post(url, {"text": "没有日期"}, content_type="application/json")
    assert bad.status_code == 400


def test_a_report_for_a_year_without_holiday_data_says_so_until_its_announcement_is_imported(
        english_client, demo):
    contract = demo_contract("hzbank")
    metrics = sla.period_metrics(contract, 2027, 1)
    assert metrics.missing_holiday_years == (2027,) and any("2027" in w for w in metrics.warnings)
    assert any("2027" in w for w in build_snapshot(contract, 2027, 1)["warnings"])  # the monthly report's data
    dashboard = english_client("svc_manager").get(f"/servicedata/contract/{contract.pk}/sla/?month=2027-01")
    assert dashboard.status_code == 200
    assert "no public holiday data for 2027" in dashboard.content.decode()
    lacking = [cal for cal in {contract_calendar(contract), contract.service_tier.service_window}
               if cal.missing_years([2027])]
    assert contract_calendar(contract) in lacking
    for cal in lacking:
        announcements.import_text(cal, ANNOUNCEMENT_2027, demo["admin"])
    metrics = sla.period_metrics(contract, 2027, 1)
    assert metrics.missing_holiday_years == () and not any("2027" in w for w in metrics.warnings)
    assert not any("2027" in w for w in build_snapshot(contract, 2027, 1)["warnings"])
    dashboard = english_client("svc_manager").get(f"/servicedata/contract/{contract.pk}/sla/?month=2027-01")
    assert "no public holiday data" not in dashboard.content.decode()
    assert CalendarDay.objects.filter(calendar=contract_calendar(contract), date=date(2027, 2, 14),
                                      kind=DayKind.WORKDAY).exists()


def test_fit_check_knows_a_7x24_closed_on_holidays():
    from presales.fitcheck import window_meets

    five = Calendar(pk=1, name="5x8", holiday_source=HolidaySource.CHINA)
    no_holidays = Calendar(pk=2, name="5x8 无节假日", holiday_source=HolidaySource.NONE)
    closed = Calendar(pk=3, name="7x24 节假日休", always_open=True, closed_on_holidays=True)
    always = Calendar(pk=4, name="7x24", always_open=True)
    assert window_meets(five, closed) and window_meets(closed, always) and window_meets(five, always)
    assert not window_meets(always, closed)  # holidays included is asked for, not offered
    assert not window_meets(no_holidays, closed)
