"""Attendance is recorded at the meeting, in its minutes, not when the meeting is scheduled (issue 11)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import workflow
from core.context import acting_as
from reporting.models import MeetingMinutes, QualityMeeting

INVITEES = ("pm", "svc_manager", "member")


@pytest.fixture
def scheduled(demo, client_for):
    """A meeting that took place yesterday, scheduled through its page with three invitees."""
    start = timezone.localtime() - timedelta(days=1)
    client = client_for("tsd_staff")
    response = client.post("/reporting/qualitymeeting/add/", {
        "title": "临时质量会议", "year": start.year, "month": start.month,
        "start": start.strftime("%Y-%m-%dT%H:%M"), "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "location": "三楼会议室", "chair": demo["tsd_director"].pk, "minute_taker": demo["tsd_staff"].pk,
        "attendees": [demo[name].pk for name in INVITEES], "agenda": "本月服务情况"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return QualityMeeting.objects.get(title="临时质量会议")


def test_scheduling_marks_nobody_present(scheduled, client_for):
    assert [a.present for a in scheduled.attendees.all()] == [None, None, None]
    page = client_for("tsd_staff").get(f"/reporting/qualitymeeting/{scheduled.pk}/edit/").content.decode()
    assert 'name="absent"' not in page and 'name="present"' not in page


def test_the_minutes_record_who_attended(scheduled, demo, client_for):
    client = client_for("tsd_staff")
    form = client.get(f"/reporting/meetingminutes/add/?meeting={scheduled.pk}").content.decode()
    assert form.count('name="present"') == len(INVITEES)
    response = client.post(f"/reporting/meetingminutes/add/?meeting={scheduled.pk}", {
        "title": "", "meeting": scheduled.pk, "owner_department": demo["tsd_staff"].department_id,
        "decisions": "增加值班", "present": [demo["pm"].pk, demo["svc_manager"].pk], "discussion_0": "已讨论"})
    assert response.status_code == 302, response.content.decode()[:3000]
    attendance = {a.user.username: a.present for a in scheduled.attendees.select_related("user")}
    assert attendance == {"pm": True, "svc_manager": True, "member": False}
    minutes = MeetingMinutes.objects.get(meeting=scheduled)
    page = client.get(minutes.get_absolute_url()).content.decode()
    assert 'id="attendance-card"' in page
    # The minutes' export lists those present and those absent.
    from reporting.exports import minutes_sections

    lines = minutes_sections(minutes, "en")[0].paragraphs
    assert any(str(demo["member"]) in line and line.startswith("Absent") for line in lines)


def test_minutes_cannot_go_to_review_before_attendance_is_recorded(scheduled, demo):
    from core import records

    user = demo["tsd_staff"]
    with acting_as(user):
        minutes = records.create(MeetingMinutes(title="纪要", meeting=scheduled, owner_department=user.department),
                                 user)
        reasons = dict((t.name, r) for t, r in workflow.available(minutes, user))["submit"]
        assert [str(r) for r in reasons] == ["Record who attended the meeting (tick the invitees present)."]
        assert reasons[0].fix.url == f"/reporting/meetingminutes/{minutes.pk}/edit/"
        with pytest.raises(workflow.WorkflowError):
            workflow.fire(minutes, "submit", user)
