"""Internal report, quality meeting (agenda, ICS, invitation), minutes with actions, distribution, dashboard."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core import records, workflow
from core.context import acting_as
from core.worklist import items_for
from reporting.choices import MinutesStatus
from reporting.models import ActionItem, InternalServiceReport, MeetingAttendee, MeetingMinutes, QualityMeeting
from reporting.services import meetings
from reporting.services.due import late_reports
from reporting.services.internal import generate_internal

from .helpers import load_month


@pytest.fixture
def internal(contract, demo):
    load_month(contract, demo["svc_staff"])
    user = demo["tsd_staff"]
    with acting_as(user):
        report = records.create(InternalServiceReport(title="2026-03 内部服务报告", year=2026, month=3,
                                                      owner_department=user.department), user)
        return generate_internal(report, user)


def test_internal_report_lists_contracts_missing_targets_first(internal):
    lines = internal.snapshot["lines"]
    assert len(lines) >= 3  # the demo contracts in force in March 2026
    assert lines[0]["customer"] == "宁波第一医院" and lines[0]["missed"]
    assert all(not line["missed"] for line in lines[1:])


@pytest.fixture
def meeting(internal, demo):
    user = demo["tsd_staff"]
    start = timezone.now() - timedelta(days=3)
    with acting_as(user):
        meeting = records.create(QualityMeeting(
            title="2026年3月 月度服务质量分析会议", year=2026, month=3, start=start, end=start + timedelta(hours=2),
            location="三楼会议室", chair=demo["tsd_director"], minute_taker=user, internal_report=internal,
            agenda=meetings.agenda_from(internal), organiser=user), user)
        for name in ("pm", "svc_manager"):
            records.create(MeetingAttendee(meeting=meeting, user=demo[name], present=name == "pm"), user)
    return meeting


def test_agenda_ics_and_invitation(meeting, demo):
    assert any("宁波第一医院" in item for item in meeting.agenda)
    assert any("P1/P2" in item for item in meeting.agenda)
    ics = meetings.meeting_ics(meeting)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    assert f"DTSTART:{meeting.start.astimezone(UTC):%Y%m%dT%H%M%SZ}\r\n" in ics
    assert "ATTENDEE;CN=" in ics and "mailto:pm@demo.example.com" in ics
    mail.outbox.clear()
    with acting_as(demo["tsd_staff"]):
        recipients = meetings.send_invitation(meeting, demo["tsd_staff"])
    assert "pm@demo.example.com" in recipients
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar")


def test_minutes_actions_approval_distribution_and_overdue(meeting, demo, client_for):
    user, director = demo["tsd_staff"], demo["tsd_director"]
    owed = {item.key: item for item in items_for(user)}
    assert owed[f"minutes:meeting={meeting.pk}"].url == f"/reporting/meetingminutes/add/?meeting={meeting.pk}"
    assert f"minutes:meeting={meeting.pk}" in {item.key for item in items_for(demo["tsd_director"])}
    assert f"minutes:meeting={meeting.pk}" not in {item.key for item in items_for(demo["pm"])}  # not the PM's
    with acting_as(user):
        minutes = records.create(MeetingMinutes(title="会议纪要", meeting=meeting, owner_department=user.department,
                                                decisions="加强夜间值班",
                                                discussion=[{"item": meeting.agenda[0], "discussion": "讨论"}]), user)
        late = records.create(ActionItem(minutes=minutes, description="补充夜班人员", owner=demo["pm"],
                                         due_date=timezone.localdate() - timedelta(days=1)), user)
        records.create(ActionItem(minutes=minutes, description="更新知识库", owner=demo["member"],
                                  due_date=timezone.localdate() + timedelta(days=7)), user)
        workflow.fire(minutes, "submit", user)
    with acting_as(director):
        workflow.fire(minutes, "approve", director)
    mail.outbox.clear()
    with acting_as(user):
        workflow.fire(minutes, "distribute", user)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DISTRIBUTED and minutes.distributed_at
    assert "pm@demo.example.com" in minutes.distributed_to and len(mail.outbox) == 1
    assert list(ActionItem.objects.overdue().filter(minutes=minutes)) == [late]
    home = client_for("pm").get("/").content.decode()
    assert "补充夜班人员" in home and "更新知识库" not in home  # the PM's own action, not the team member's
    pm_items = {item.key: item for item in items_for(demo["pm"])}
    assert pm_items[f"action:{late.pk}"].overdue(timezone.localdate())
    member_items = {item.key for item in items_for(demo["member"])}
    assert f"action:{late.pk}" not in member_items and len([k for k in member_items if k.startswith("action:")])
    assert f"minutes:meeting={meeting.pk}" not in {item.key for item in items_for(user)}
    client = client_for("tsd_staff")
    assert client.post(f"/reporting/actionitem/{late.pk}/close/").status_code in (200, 302)
    late.refresh_from_db()
    assert late.status == "done" and late.closed_at
    assert not ActionItem.objects.overdue().filter(minutes=minutes).exists()
    assert client.get(f"/reporting/meetingminutes/{minutes.pk}/export/?format=docx").status_code == 200
    assert client.get(f"/api/reporting/actions/?minutes={minutes.pk}").json()


def test_late_report_is_listed_after_the_due_day(contract, demo):
    today = timezone.localdate().replace(day=20)
    contracts = {item["contract"].number for item in late_reports(today)}
    assert contract.number in contracts


def test_meeting_and_minutes_written_over_the_api_with_their_rows(meeting, demo, client_for):
    client = client_for("tsd_staff")
    created = client.post("/api/reporting/meetings/", {
        "title": "临时质量会议", "year": 2026, "month": 3, "start": "2026-03-20T06:00:00Z",
        "end": "2026-03-20T07:00:00Z", "chair": demo["tsd_director"].pk, "minute_taker": demo["tsd_staff"].pk,
        "internal_report": meeting.internal_report_id, "attendees": [{"user": demo["pm"].pk, "present": True}]},
        content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organiser"] == demo["tsd_staff"].pk and body["agenda"]  # agenda from the internal report
    assert [a["user"] for a in body["attendees"]] == [demo["pm"].pk]

    minutes = client.post("/api/reporting/minutes/", {
        "title": "纪要", "meeting": meeting.pk, "owner_department": demo["tsd_staff"].department_id,
        "actions": [{"description": "补充夜班人员", "owner": demo["pm"].pk, "due_date": "2026-04-10"}]},
        content_type="application/json")
    assert minutes.status_code == 201, minutes.content
    data = minutes.json()
    action = data["actions"][0]
    changed = client.patch(f"/api/reporting/minutes/{data['id']}/", {
        "lock_version": data["lock_version"],
        "actions": [{"id": action["id"], "description": "补充夜班人员并培训", "owner": demo["pm"].pk,
                     "due_date": "2026-04-10", "status": "done"}]}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    row = ActionItem.objects.get(pk=action["id"])  # kept and changed, not replaced; status is not written here
    assert row.description == "补充夜班人员并培训" and row.status == "open"

    url = f"/api/reporting/actions/{row.pk}/status/"
    assert client_for("auditor").post(url, {"status": "done"}, content_type="application/json").status_code == 403
    assert client.post(url, {"status": "done"}, content_type="application/json").json()["status"] == "done"
    row.refresh_from_db()
    assert row.closed_at is not None


def test_actions_stay_open_after_approval_and_follow_a_new_version(meeting, demo):
    user, director = demo["tsd_staff"], demo["tsd_director"]
    with acting_as(user):
        minutes = records.create(MeetingMinutes(title="会议纪要", meeting=meeting, owner_department=user.department),
                                 user)
        action = records.create(ActionItem(minutes=minutes, description="更新知识库", owner=demo["member"],
                                           due_date=timezone.localdate()), user)
        workflow.fire(minutes, "submit", user)
    with acting_as(director):
        workflow.fire(minutes, "approve", director)
    with acting_as(user):
        workflow.fire(minutes, "distribute", user)
        meetings.set_action_status(action, "cancelled", user)
        draft = records.new_version(MeetingMinutes.objects.get(pk=minutes.pk), user)
    assert (draft.distributed_at, draft.distributed_to) == (None, [])
    assert [(a.description, a.status) for a in draft.actions.all()] == [("更新知识库", "cancelled")]
