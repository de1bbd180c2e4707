"""The reporting stage's process-compliance rules (reporting/compliance.py): each finds its breach, not the
compliant case."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core import compliance, records, workflow
from core.compliance import CheckScope
from core.context import acting_as
from reporting.choices import ActionStatus
from reporting.models import (
    ActionItem,
    MeetingMinutes,
    MetricAnalysis,
    MonthlyServiceReport,
    QualityMeeting,
    ReportProfile,
    profile_for,
)
from reporting.services import meetings

from .helpers import approve, generated_report, load_month, make_profile

BJ = ZoneInfo("Asia/Shanghai")
RULES = ("RPT-1", "RPT-2", "RPT-3", "MTG-1", "MTG-2", "ACT-1")


def found(rule_id, scope):
    return {(v.obj._meta.label, v.obj.pk, v.key): v for v in compliance.get(rule_id).find(scope)}


def keys(rule_id, scope, obj):
    return {key for (label, pk, key) in found(rule_id, scope) if (label, pk) == (obj._meta.label, obj.pk)}


def test_the_rules_are_registered_with_their_clauses():
    clauses = {r.id: (r.clause, r.severity) for r in compliance.rules()}
    assert clauses["RPT-1"] == ("9.4", "major") and clauses["MTG-1"] == ("9.1", "minor")
    assert clauses["MTG-2"] == ("7.5.3", "minor") and clauses["ACT-1"] == ("10.1", "minor")
    assert {"RPT-2", "RPT-3"} <= set(clauses)


@pytest.fixture
def issued(contract, demo):
    """March 2026 of the hospital contract (in service from March): reported, analysed, approved and issued."""
    load_month(contract, demo["svc_staff"])
    make_profile(contract, demo)
    report = approve(generated_report(contract, demo), demo)
    with acting_as(demo["svc_manager"]):
        workflow.fire(report, "issue", demo["svc_manager"])
    report.refresh_from_db()
    return report


def _agreed_on(contract, day):
    """The contract's report profile first approved on `day` (a direct edit of the approval's time)."""
    ReportProfile.objects.filter(contract__number=contract.number, approved_at__isnull=False) \
        .update(approved_at=datetime.combine(day, datetime.min.time(), tzinfo=BJ) + timedelta(hours=10))


def test_a_month_past_its_due_day_without_an_approved_report_is_missing(contract, demo):
    scope = CheckScope(date(2026, 5, 11), frozenset({contract.pk}))  # March due 10 April, April due 10 May
    assert keys("RPT-1", scope, contract) == set()  # no report profile agreed: no report owed yet
    make_profile(contract, demo)
    _agreed_on(contract, date(2026, 3, 20))  # agreed in March: March's report is the first owed
    assert keys("RPT-1", scope, contract) == {"2026-03", "2026-04"}
    assert keys("RPT-1", CheckScope(date(2026, 5, 10), frozenset({contract.pk})), contract) == {"2026-03"}
    draft = generated_report(contract, demo)
    violation = found("RPT-1", scope)[(contract._meta.label, contract.pk, "2026-03")]
    assert violation.related == (draft,)  # written, not approved: still missing
    approve(draft, demo)
    assert keys("RPT-1", scope, contract) == {"2026-04"}


def test_a_report_is_owed_from_the_first_month_due_after_its_profile_was_approved(contract, demo):
    scope = CheckScope(date(2026, 6, 11), frozenset({contract.pk}))
    make_profile(contract, demo)
    _agreed_on(contract, date(2026, 4, 10))  # March's report was due that day: April's is the first owed
    assert keys("RPT-1", scope, contract) == {"2026-04", "2026-05"}
    pm, manager = demo["pm"], demo["svc_manager"]
    with acting_as(pm):
        successor = records.new_version(profile_for(contract), pm)
        workflow.fire(successor, "submit", pm)
    with acting_as(manager):
        workflow.fire(successor, "approve", manager)
    # A later version approved today does not move the start of the obligation: the first approval does.
    assert keys("RPT-1", scope, contract) == {"2026-04", "2026-05"}


def test_a_report_issued_after_its_due_day_is_late(issued, contract):
    today = timezone.localdate()
    scope = CheckScope(today, frozenset({contract.pk}))
    assert keys("RPT-2", scope, issued) == {""}  # issued today, due on 10 April 2026
    on_time = datetime(2026, 4, 9, 17, tzinfo=BJ)
    MonthlyServiceReport.objects.filter(pk=issued.pk).update(issued_at=on_time)
    assert keys("RPT-2", scope, issued) == set()
    _agreed_on(contract, date(2026, 3, 1))
    assert keys("RPT-1", scope, contract) >= {"2026-04"} and "2026-03" not in keys("RPT-1", scope, contract)


def test_an_approved_report_not_issued_by_its_due_day_is_late(contract, demo):
    load_month(contract, demo["svc_staff"])
    make_profile(contract, demo)
    _agreed_on(contract, date(2026, 3, 1))
    report = approve(generated_report(contract, demo), demo)
    assert keys("RPT-2", CheckScope(date(2026, 4, 11), frozenset({contract.pk})), report) == {""}
    assert keys("RPT-2", CheckScope(date(2026, 4, 10), frozenset({contract.pk})), report) == set()  # not due yet
    assert keys("RPT-1", CheckScope(date(2026, 4, 11), frozenset({contract.pk})), contract) == set()  # approved


def test_an_issued_report_whose_missed_target_lost_its_analysis_is_found(issued, contract):
    scope = CheckScope(timezone.localdate(), frozenset({contract.pk}))
    assert issued.missed_rows() and keys("RPT-3", scope, issued) == set()  # every missed target analysed
    tampered = issued.analyses.first()
    MetricAnalysis.objects.filter(pk=tampered.pk).update(improvement="")  # not a path the workflow allows
    violation = found("RPT-3", scope)[(issued._meta.label, issued.pk, "")]
    assert tampered.metric_key in str(violation.message)


def _meeting(demo, year, month, start, minutes_approved=None):
    staff, director = demo["tsd_staff"], demo["tsd_director"]
    with acting_as(staff):
        meeting = records.create(QualityMeeting(title=f"{year}-{month:02d} 质量分析会", year=year, month=month,
                                                start=start, end=start + timedelta(hours=2), chair=director,
                                                minute_taker=staff, agenda=meetings.agenda_from(None),
                                                organiser=staff), staff)
        if minutes_approved is None:
            return meeting, None
        minutes = records.create(MeetingMinutes(title=f"{meeting.title} 纪要", meeting=meeting,
                                                owner_department=staff.department, decisions="按计划执行"), staff)
        workflow.fire(minutes, "submit", staff)
    if minutes_approved:
        with acting_as(director):
            workflow.fire(minutes, "approve", director)
    return meeting, minutes


def test_a_month_without_a_quality_meeting_after_the_first_one_is_found_once(contract, demo):
    assert not QualityMeeting.objects.filter(start__lt=datetime(2026, 6, 1, tzinfo=BJ)).exists()
    scope = CheckScope(date(2026, 6, 1))  # March's meeting due by 30 April, April's by 31 May
    assert list(compliance.get("MTG-1").find(scope)) == []  # no meeting held by then: the series has not started
    first, _none = _meeting(demo, 2026, 2, datetime(2026, 3, 10, 14, tzinfo=BJ))
    assert set(found("MTG-1", scope)) == {(first._meta.label, first.pk, "2026-03"),
                                          (first._meta.label, first.pk, "2026-04")}  # not January: before it
    assert keys("MTG-1", CheckScope(date(2026, 5, 31)), first) == {"2026-03"}
    assert keys("MTG-1", CheckScope(date(2026, 6, 1), frozenset({contract.pk})), first) == {"2026-03", "2026-04"}
    _meeting(demo, 2026, 3, datetime(2026, 4, 8, 14, tzinfo=BJ))
    assert set(found("MTG-1", scope)) == {(first._meta.label, first.pk, "2026-04")}


def test_a_held_meeting_without_approved_minutes_past_their_due_day_is_found(demo, settings):
    settings.SERVPLAN_MINUTES_DUE_DAYS = 5
    today = timezone.localdate()
    held = timezone.make_aware(datetime.combine(today - timedelta(days=10), datetime.min.time())) \
        + timedelta(hours=6)
    meeting, _none = _meeting(demo, 2026, 2, held)
    scope = CheckScope(today)
    assert keys("MTG-2", scope, meeting) == {""}
    recent, _none = _meeting(demo, 2026, 2, held + timedelta(days=7))  # its minutes are not due yet
    assert keys("MTG-2", scope, recent) == set()

    other, draft = _meeting(demo, 2026, 1, held, minutes_approved=False)
    assert found("MTG-2", scope)[(other._meta.label, other.pk, "")].related == (draft,)
    approved, _minutes = _meeting(demo, 2025, 12, held, minutes_approved=True)
    assert keys("MTG-2", scope, approved) == set()


def test_the_demo_company_yields_no_reporting_finding(demo):
    scope = CheckScope(timezone.localdate())
    assert {rule_id: list(compliance.get(rule_id).find(scope)) for rule_id in RULES} == {r: [] for r in RULES}


def test_the_planted_violations_are_found_exactly_and_nothing_else(demo):
    from assurance.tests.planted import reporting as planted

    def identities():
        # The plant edits two audited rows in the database directly (where the services refuse the path): the audit
        # trail rule (AUD-1) reports exactly that tampering, and assurance/tests/test_planted.py checks it.
        scope = CheckScope(timezone.localdate())
        return {(r.id, v.obj._meta.label, v.obj.pk, v.key) for r in compliance.rules() if r.id != "AUD-1"
                for v in r.find(scope)}

    before = identities()
    expected = {(e.rule_id, e.record._meta.label, e.record.pk, e.key) for e in planted.plant(demo)}
    assert {rule_id for rule_id, *_rest in expected} == set(RULES)
    assert identities() - before == expected


def test_an_open_action_past_its_due_date_is_overdue(demo):
    minutes = MeetingMinutes.objects.filter(successor__isnull=True).order_by("pk").first()
    today = timezone.localdate()
    user = demo["tsd_staff"]
    with acting_as(user):
        late = records.create(ActionItem(minutes=minutes, description="补充值班表", owner=demo["pm"],
                                         due_date=today - timedelta(days=2)), user)
        due_today = records.create(ActionItem(minutes=minutes, description="更新知识库", owner=demo["pm"],
                                              due_date=today), user)
    scope = CheckScope(today)
    assert keys("ACT-1", scope, late) == {""} and keys("ACT-1", scope, due_today) == set()
    with acting_as(user):
        meetings.set_action_status(late, ActionStatus.DONE, user)
    assert keys("ACT-1", scope, late) == set()
