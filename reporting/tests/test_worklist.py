"""The reporting stage's work-queue sources: each item goes to the person who owes it, links to the exact
form, and changes when the state changes (missing report → draft to finish → gone once submitted)."""

from datetime import timedelta

from django.utils import timezone

from core import records, workflow
from core.context import acting_as
from core.worklist import Kind, items_for, record_key
from projects.models import Project
from reporting.models import MeetingAttendee, MonthlyServiceReport, QualityMeeting
from reporting.services import monthly


def _keyed(user, today=None):
    return {item.key: item for item in items_for(user, today)}


def test_the_pm_is_told_to_write_the_missing_report_and_the_link_opens_the_form_prefilled(demo, client_for):
    today = timezone.localdate()
    pm = demo["pm"]
    owed = [item for item in items_for(pm, today) if item.key.startswith("monthly_report:")]
    assert owed, "the demo's contracts in force owe monthly reports"
    managed = set(Project.objects.filter(manager=pm).values_list("contract__number", flat=True))
    assert {item.record.number for item in owed} <= managed
    item = owed[0]
    assert item.kind == Kind.WRITE and item.due is not None
    page = client_for("pm").get(item.url).content.decode()
    year, month = item.key.rsplit(":", 1)[1].split("-")
    assert f'<option value="{item.record.pk}" selected>' in page
    assert f'name="year" value="{year}"' in page and f'name="month" value="{int(month)}"' in page
    for other in ("svc_manager", "sales", "member", "tsd_staff", "auditor"):  # nobody else's deadline
        assert item.key not in _keyed(demo[other], today), other

    # Once written, the item is the draft to finish (same due date); once submitted, it waits on the approver.
    with acting_as(pm):
        report = records.create(MonthlyServiceReport(
            title="月报", contract=item.record, year=int(year), month=int(month), owner_department=pm.department), pm)
    mine = _keyed(pm, today)
    assert item.key not in mine
    assert mine[record_key("monthly_report", report.pk)].due == item.due
    assert mine[record_key("monthly_report", report.pk)].url == report.get_absolute_url()
    with acting_as(pm):
        report = monthly.start_generation(report, pm)  # inline in tests (reporting/tests/conftest.py)
        report.refresh_from_db()
        workflow.fire(report, "submit", pm)
    assert record_key("monthly_report", report.pk) not in _keyed(pm, today)
    approvals = [i for i in items_for(demo["svc_manager"], today) if i.kind == Kind.APPROVE]
    assert report.get_absolute_url() in {i.url for i in approvals}


def test_a_meeting_in_the_next_two_weeks_is_due_for_its_people_only(demo):
    user = demo["tsd_staff"]
    start = timezone.now() + timedelta(days=3)
    with acting_as(user):
        meeting = records.create(QualityMeeting(title="十二月质量例会", year=2026, month=11, start=start,
                                                end=start + timedelta(hours=1), chair=demo["tsd_director"],
                                                minute_taker=user, organiser=user), user)
        records.create(MeetingAttendee(meeting=meeting, user=demo["pm"]), user)
    for name in ("tsd_staff", "tsd_director", "pm"):
        item = _keyed(demo[name])[f"meeting:{meeting.pk}"]
        assert item.kind == Kind.DUE and item.url == meeting.get_absolute_url()
        assert item.due == timezone.localdate(start)
    assert f"meeting:{meeting.pk}" not in _keyed(demo["sales"])
    # After it ended without minutes, the chair and minute-taker are asked for them.
    QualityMeeting.objects.filter(pk=meeting.pk).update(start=timezone.now() - timedelta(hours=3),
                                                        end=timezone.now() - timedelta(hours=2))
    assert f"minutes:meeting={meeting.pk}" in _keyed(demo["tsd_director"])
    assert f"minutes:meeting={meeting.pk}" not in _keyed(demo["pm"])
