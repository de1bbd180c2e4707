"""Pages and API: permissions per model, child rows through inline formsets, query budgets."""

from datetime import date

import pytest
from django.conf import settings

from core import records
from core.choices import RecordStatus
from core.context import acting_as
from core.models import AuditEntry

from ..choices import DayKind, Priority
from ..models import Calendar, CalendarDay, Service, ServiceFamily, ServiceTier, SkillRequirement
from . import helpers


@pytest.fixture
def english_client(client_for):
    def make(username):
        client = client_for(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def formset(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


# ---- permissions: one page and one API endpoint per model ----------------------------------

def test_anonymous_is_sent_to_login(client, demo):
    for url in ("/catalog/service/", "/catalog/servicetier/", "/catalog/calendar/", "/catalog/servicefamily/",
                "/catalog/calendarday/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/catalog/tiers/").status_code in (401, 403)


def test_service_family_add_page_and_api(client_for):
    assert client_for("sales").get("/catalog/servicefamily/add/").status_code == 403
    assert client_for("svc_manager").get("/catalog/servicefamily/add/").status_code == 200
    body = {"code": "cloud", "name": "云服务"}
    assert client_for("sales").post("/api/catalog/families/", body, content_type="application/json") \
        .status_code == 403
    assert client_for("svc_staff").post("/api/catalog/families/", body, content_type="application/json") \
        .status_code == 201
    assert ServiceFamily.objects.filter(code="cloud").exists()


def test_service_pages_and_api(client_for, demo):
    service = Service.objects.get(code="desktop")
    assert client_for("auditor").get("/catalog/service/").status_code == 200
    assert client_for("auditor").get(f"/catalog/service/{service.pk}/").status_code == 200
    assert client_for("sales").get(f"/catalog/service/{service.pk}/edit/").status_code == 403
    assert client_for("svc_staff").get(f"/catalog/service/{service.pk}/edit/").status_code == 200
    url = f"/api/catalog/services/{service.pk}/"
    network = Service.objects.get(code="network")
    body = {"supporting_services": [network.pk]}
    assert client_for("sales").patch(url, body, content_type="application/json").status_code == 403
    response = client_for("svc_staff").patch(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert list(service.supporting_services.all()) == [network]
    entry = AuditEntry.objects.filter(object_id=str(service.pk), changes__has_key="supporting_services").first()
    assert entry is not None and entry.username == "svc_staff"


def test_tier_add_page_and_approve_over_api(client_for, demo):
    assert client_for("sales").get("/catalog/servicetier/add/").status_code == 403
    assert client_for("svc_staff").get("/catalog/servicetier/add/").status_code == 200
    t = helpers.tier(demo["svc_staff"], helpers.service(demo["admin"]), Calendar.objects.get(name="7x24"))
    with acting_as(demo["svc_staff"]):
        from core.workflow import fire

        fire(t, "submit", demo["svc_staff"])
    url = f"/api/catalog/tiers/{t.pk}/transition/"
    body = {"transition": "approve", "comment": "同意"}
    assert client_for("tsd_staff").post(url, body, content_type="application/json").status_code == 403
    response = client_for("tsd_director").post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    t.refresh_from_db()
    assert t.status == RecordStatus.APPROVED


def test_calendar_edit_page_and_api(client_for, demo):
    cal = Calendar.objects.get(name="7x24")
    assert client_for("svc_manager").get(f"/catalog/calendar/{cal.pk}/edit/").status_code == 403
    assert client_for("tsd_staff").get(f"/catalog/calendar/{cal.pk}/edit/").status_code == 200
    url = f"/api/catalog/calendars/{cal.pk}/"
    before = cal.current_version().number
    assert client_for("svc_manager").patch(url, {"description": "x"}, content_type="application/json") \
        .status_code == 403
    response = client_for("admin").patch(url, {"time_zone": "Asia/Urumqi"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["current_version"] == before + 1
    assert cal.to_spec(before).tz == "Asia/Shanghai" and cal.to_spec().tz == "Asia/Urumqi"


def test_calendar_day_add_page_and_api(client_for, demo):
    cal = Calendar.objects.get(name="5x8 北京")
    assert client_for("svc_staff").get(f"/catalog/calendarday/add/?calendar={cal.pk}").status_code == 403
    assert client_for("admin").get(f"/catalog/calendarday/add/?calendar={cal.pk}").status_code == 200
    body = {"calendar": cal.pk, "date": "2025-06-04", "kind": DayKind.HOLIDAY, "name": "司庆"}
    assert client_for("sales").post("/api/catalog/calendar-days/", body, content_type="application/json") \
        .status_code == 403
    before = cal.current_version()
    response = client_for("tsd_staff").post("/api/catalog/calendar-days/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "manual"
    after = cal.current_version()
    assert after.number == before.number + 1 and "2025-06-04" in after.data["holidays"]


# ---- pages with child rows -----------------------------------------------------------------

def test_tier_created_on_the_page_with_its_priority_rows(english_client, demo):
    service = helpers.service(demo["admin"], code="page-svc")
    window = Calendar.objects.get(name="5x8 北京")
    data = {"service": service.pk, "name": "银", "owner_department": demo["svc_staff"].department_id,
            "confidentiality": "internal", "service_window": window.pk, "availability_target": "99.9",
            "rto_minutes": "240", "rpo_minutes": "60", "change_note": "初版"}
    data |= formset("targets", [{"priority": p, "response_minutes": 30 * (i + 1), "resolution_minutes": 240 * (i + 1),
                                 "target_percent": "95"} for i, p in enumerate(Priority.values)])
    data |= formset("skills", [{"skill": "Linux 系统管理", "level": "senior", "headcount": "2"},
                               {"skill": "", "level": "intermediate", "headcount": "1"}])
    response = english_client("svc_staff").post("/catalog/servicetier/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    tier = ServiceTier.objects.get(service=service, name="银")
    assert tier.title == f"{service.name} · 银"
    assert sorted(tier.priority_targets.values_list("priority", "response_minutes")) == [
        ("P1", 30), ("P2", 60), ("P3", 90), ("P4", 120)]
    assert list(tier.skills.values_list("skill", "headcount")) == [("Linux 系统管理", 2)]
    rows = [str(pk) for pk in tier.priority_targets.values_list("pk", flat=True)]
    assert AuditEntry.objects.filter(content_type__model="prioritytarget", object_id__in=rows,
                                     username="svc_staff").count() == 4
    page = english_client("svc_staff").get(f"/catalog/servicetier/{tier.pk}/")
    assert 'id="priority-targets"' in page.content.decode() and "P4 – low" in page.content.decode()


def test_approved_tier_edit_page_redirects(client_for, demo):
    tier = ServiceTier.objects.in_force().first()
    response = client_for("svc_staff").get(f"/catalog/servicetier/{tier.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == tier.get_absolute_url()


def test_calendar_page_refuses_overlapping_rows_naming_them(english_client, demo):
    cal = helpers.calendar(demo["admin"], name="页面测试", days=[0])
    rows = list(cal.working_hours.order_by("start"))
    data = {"name": cal.name, "time_zone": "Asia/Shanghai", "adjusted_workday_hours_from": "0",
            "holiday_source": "manual", "holiday_years_text": "", "seed_years": ""}
    data |= formset("hours", [
        {"id": rows[0].pk, "calendar": cal.pk, "weekday": "0", "start": "09:00", "end": "12:00"},
        {"id": rows[1].pk, "calendar": cal.pk, "weekday": "0", "start": "13:00", "end": "18:00"},
        {"calendar": cal.pk, "weekday": "0", "start": "11:00", "end": "14:00"},
    ], initial=2)
    response = english_client("admin").post(f"/catalog/calendar/{cal.pk}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 3 (Monday 11:00–14:00) overlaps Row 1 (Monday 09:00–12:00)" in html, html[-4000:]
    assert cal.working_hours.count() == 2

    data["hours-2-start"], data["hours-2-end"] = "19:00", "21:00"
    data["seed_years"] = ""
    response = english_client("admin").post(f"/catalog/calendar/{cal.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert cal.working_hours.count() == 3
    assert cal.current_version().data["weekly_hours"]["0"][-1] == ["19:00", "21:00"]


def test_calendar_page_shows_the_month_grid_and_the_missing_year_warning(english_client, demo):
    cal = Calendar.objects.get(name="5x8 北京")
    html = english_client("auditor").get(f"/catalog/calendar/{cal.pk}/?year=2027").content.decode()
    assert 'id="holiday-warning"' in html and "2027" in html and 'id="year-missing"' in html
    html = english_client("auditor").get(f"/catalog/calendar/{cal.pk}/?year=2025").content.decode()
    assert 'data-date="2025-10-01"' in html and "day-holiday" in html and "day-workday" in html
    assert "国庆节" in html


# ---- API writes of a tier ------------------------------------------------------------------

def test_api_creates_a_tier_with_rows_and_revises_it(client_for, demo):
    service = helpers.service(demo["admin"], code="api-svc")
    staff = client_for("svc_staff")
    body = {"service": service.pk, "name": "铜", "owner_department": demo["svc_staff"].department_id,
            "service_window": Calendar.objects.get(name="5x8 北京").pk, "availability_target": "99.5",
            "priority_targets": [{"priority": p, "response_minutes": 60, "resolution_minutes": 480,
                                  "target_percent": "90"} for p in Priority.values],
            "skills": [{"skill": "网络", "level": "senior", "headcount": 1}]}
    response = staff.post("/api/catalog/tiers/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    tier_id = response.json()["id"]
    assert len(response.json()["priority_targets"]) == 4
    patch = staff.patch(f"/api/catalog/tiers/{tier_id}/", {"priority_targets": body["priority_targets"][:3]},
                        content_type="application/json")
    assert patch.status_code == 200 and len(patch.json()["priority_targets"]) == 3
    assert staff.post(f"/api/catalog/tiers/{tier_id}/transition/", {"transition": "submit"},
                      content_type="application/json").status_code == 400  # P4 missing
    staff.patch(f"/api/catalog/tiers/{tier_id}/", {"priority_targets": body["priority_targets"]},
                content_type="application/json")
    assert staff.post(f"/api/catalog/tiers/{tier_id}/transition/", {"transition": "submit"},
                      content_type="application/json").status_code == 200
    assert client_for("svc_manager").post(f"/api/catalog/tiers/{tier_id}/transition/",
                                          {"transition": "approve"}, content_type="application/json") \
        .status_code == 200
    refused = staff.patch(f"/api/catalog/tiers/{tier_id}/", {"availability_target": "99.0"},
                          content_type="application/json")
    assert refused.status_code == 400
    draft = staff.post(f"/api/catalog/tiers/{tier_id}/new-version/", {}, content_type="application/json")
    assert draft.status_code == 201 and draft.json()["version"] == 2
    assert len(draft.json()["priority_targets"]) == 4


def test_api_calendar_spec_and_seed(client_for, demo):
    cal = helpers.calendar(demo["admin"], name="接口日历", holiday_source="china")
    spec = client_for("auditor").get(f"/api/catalog/calendars/{cal.pk}/spec/").json()
    assert spec["data"]["weekly_hours"]["0"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert client_for("svc_staff").post(f"/api/catalog/calendars/{cal.pk}/seed/", {"years": "2025"},
                                        content_type="application/json").status_code == 403
    response = client_for("tsd_staff").post(f"/api/catalog/calendars/{cal.pk}/seed/", {"years": "2025-2027"},
                                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["missing_years"] == [2027]
    days = client_for("auditor").get(f"/api/catalog/calendars/{cal.pk}/days/?year=2025").json()
    national_day = next(d for d in days if d["date"] == "2025-10-01")
    assert national_day["kind"] == "holiday" and national_day["source"] == "seeded"
    bad = client_for("admin").patch(f"/api/catalog/calendars/{cal.pk}/", {"working_hours": [
        {"weekday": 0, "start": "09:00", "end": "12:00"}, {"weekday": 0, "start": "11:00", "end": "13:00"}]},
        content_type="application/json")
    assert bad.status_code == 400 and "overlaps" in bad.content.decode()


# ---- query budgets -------------------------------------------------------------------------

def _make_services(demo, n, start):
    admin = demo["admin"]
    for i in range(start, start + n):
        helpers.service(admin, code=f"q-{i}")


def _make_tiers(demo, n, start):
    admin, staff = demo["admin"], demo["svc_staff"]
    window = Calendar.objects.get(name="5x8 北京")
    service = Service.objects.filter(code="q-tiers").first() or helpers.service(admin, code="q-tiers")
    for i in range(start, start + n):
        helpers.tier(staff, service, window, name=f"T{i}", targets={Priority.P1: (10, 60, 90)})


def _make_calendars(demo, n, start):
    for i in range(start, start + n):
        helpers.calendar(demo["admin"], name=f"Q{i}", days=[0])


def _make_days(demo, n, start):
    admin = demo["admin"]
    cal = Calendar.objects.filter(name="Q-days").first() or helpers.calendar(admin, name="Q-days", days=[])
    with acting_as(admin):
        for i in range(start, start + n):
            records.create(CalendarDay(calendar=cal, date=date(2030, 1, 1).fromordinal(
                date(2030, 1, 1).toordinal() + i), kind=DayKind.HOLIDAY, name=f"d{i}"), admin)


@pytest.mark.parametrize("page,api,maker", [
    ("/catalog/service/?per_page=500", "/api/catalog/services/?limit=500", _make_services),
    ("/catalog/servicetier/?per_page=500", "/api/catalog/tiers/?limit=500", _make_tiers),
    ("/catalog/calendar/?per_page=500", "/api/catalog/calendars/?limit=500", _make_calendars),
    ("/catalog/calendarday/?per_page=500", "/api/catalog/calendar-days/?limit=500", _make_days),
    ("/catalog/servicefamily/?per_page=500", "/api/catalog/priority-targets/?limit=500", _make_tiers),
])
def test_list_query_count_does_not_grow_with_rows(client_for, demo, page, api, maker, queries_of):
    client = client_for("admin")
    maker(demo, 10, 0)
    small = (queries_of(client, page), queries_of(client, api))
    maker(demo, 40, 10)
    large = (queries_of(client, page), queries_of(client, api))
    assert large == small, f"queries grew with rows: {small} -> {large}"



def test_draft_tier_rows_edited_and_deleted_on_the_page(english_client, demo):
    staff = demo["svc_staff"]
    tier = helpers.tier(staff, helpers.service(demo["admin"], code="edit-svc"), Calendar.objects.get(name="7x24"))
    with acting_as(staff):
        skill = records.create(SkillRequirement(tier=tier, skill="Oracle", headcount=1), staff)
    targets = list(tier.priority_targets.order_by("priority"))
    data = {"service": tier.service_id, "name": tier.name, "owner_department": tier.owner_department_id,
            "confidentiality": "internal", "service_window": tier.service_window_id, "availability_target": "99.95",
            "change_note": "P1 15 分钟", "lock_version": tier.lock_version}
    data |= formset("targets", [{"id": t.pk, "tier": tier.pk, "priority": t.priority,
                                 "response_minutes": 15 if t.priority == "P1" else t.response_minutes,
                                 "resolution_minutes": t.resolution_minutes, "target_percent": t.target_percent}
                                for t in targets], initial=4)
    data |= formset("skills", [{"id": skill.pk, "tier": tier.pk, "skill": "Oracle", "level": skill.level,
                                "headcount": "1", "DELETE": "on"}], initial=1)
    response = english_client("svc_staff").post(f"/catalog/servicetier/{tier.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    tier.refresh_from_db()
    assert str(tier.availability_target) == "99.950"
    assert tier.priority_targets.get(priority="P1").response_minutes == 15
    assert not tier.skills.exists()
    assert AuditEntry.objects.filter(content_type__model="skillrequirement", object_id=str(skill.pk),
                                     action="delete").exists()


def test_deleting_a_day_on_the_page_records_a_version(client_for, demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin, name="删除测试")
    with acting_as(admin):
        day = records.create(CalendarDay(calendar=cal, date=date(2025, 6, 4), kind=DayKind.HOLIDAY), admin)
    with_day = cal.current_version()
    response = client_for("admin").post(f"/catalog/calendarday/{day.pk}/delete/", {"comment": "录入错误"})
    assert response.status_code == 302
    after = cal.current_version()
    assert after.number == with_day.number + 1 and "2025-06-04" not in after.data["holidays"]
    assert client_for("svc_staff").post(f"/catalog/calendarday/{day.pk}/delete/").status_code in (403, 404)


def test_a_calendar_in_use_is_not_deleted(client_for, demo):
    cal = Calendar.objects.get(name="7x24")
    response = client_for("admin").post(f"/catalog/calendar/{cal.pk}/delete/")
    assert response.status_code == 302 and Calendar.objects.filter(pk=cal.pk).exists()
    api = client_for("admin").delete(f"/api/catalog/calendars/{cal.pk}/")
    assert api.status_code == 400 and Calendar.objects.filter(pk=cal.pk).exists()


def test_deleting_an_unused_calendar_and_a_draft_tier_keeps_the_audit_chain_intact(client_for, demo):
    from core.audit import verify_chain

    cal = helpers.calendar(demo["admin"], name="用完即删")
    with acting_as(demo["admin"]):
        records.create(CalendarDay(calendar=cal, date=date(2025, 6, 4), kind=DayKind.HOLIDAY), demo["admin"])
    cal.current_version()
    tier = helpers.tier(demo["svc_staff"], helpers.service(demo["admin"], code="del-svc"), cal)
    assert client_for("svc_staff").delete(f"/api/catalog/tiers/{tier.pk}/").status_code == 204
    assert client_for("admin").post(f"/catalog/calendar/{cal.pk}/delete/").status_code == 302
    assert not Calendar.objects.filter(pk=cal.pk).exists()
    assert list(verify_chain()) == []


def test_calendar_created_on_the_page_with_shifts_and_seeded_holidays(english_client, demo):
    data = {"name": "5x8 上海", "time_zone": "Asia/Shanghai", "adjusted_workday_hours_from": "0",
            "holiday_source": "china", "holiday_years_text": "", "seed_years": "2025-2027"}
    data |= formset("hours", [{"weekday": str(d), "start": "08:30", "end": "17:30"} for d in range(5)]
                    + [{"weekday": "", "start": "", "end": ""}])
    response = english_client("tsd_staff").post("/catalog/calendar/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    cal = Calendar.objects.get(name="5x8 上海")
    assert cal.working_hours.count() == 5 and cal.holiday_years == [2025, 2026]
    version = cal.current_version()
    assert version.number == 1 and "2025-10-01" in version.data["holidays"]
    assert version.created_by == demo["tsd_staff"]
    page = english_client("tsd_staff").get(f"{cal.get_absolute_url()}?year=2027").content.decode()
    assert "no public holiday data for 2027" in page
