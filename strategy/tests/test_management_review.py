"""The management review 管理评审 (SP-2.1, SP-2.2, issue 14): its inputs equal figures recounted here from the raw
rows (tickets minute by minute over the hospital contract's business hours with `chinese_calendar`, outages, survey
answers, the register's rows), never through the functions that produced them; a General Manager's decision becomes
a tracked action of its owner or an improvement in the register; only the Management Representative drafts, only
the General Manager approves; an approved review's decisions change only in their tracking; the export."""

import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contracts.models import Contract
from core import records, workflow
from core.context import acting_as
from core.exporting import export_record
from core.worklist import items_for
from improvement.choices import SourceKind
from improvement.models import Improvement
from reporting.choices import SurveyOccasion
from reporting.services import satisfaction
from servicedata.models import Outage, Ticket
from servicedata.tests.brute_force import BJ, business_minutes, due_instant, is_business_minute, workday
from servicedata.tests.helpers import import_records
from strategy import review as reviews
from strategy.choices import DecisionKind, DecisionStatus
from strategy.models import Decision, ManagementReview

FMT = "%Y-%m-%d %H:%M"
MONTHS = [(2026, 3), (2026, 4), (2026, 5)]
# (response delay, resolution delay) in wall-clock minutes: inside the P2 targets (60 / 960 business minutes), or
# long past them (overnight, over a weekend).
DELAYS = [(5, 120), (20, 300), (45, 2000), (90, 600), (300, 4000), (1500, 900), (2900, 5000)]


def section(review, key):
    return next(s for s in review.inputs["sections"] if s["key"] == key)


def row_of(sec, first):
    return next(r for r in sec["rows"] if r[0] == first)


@pytest.fixture
def hospital(demo):
    contract = Contract.objects.signed().get(customer__code="nbhospital", title__contains="桌面运维")
    assert not Ticket.objects.filter(contract__number=contract.number).exists()
    rows = []
    for year, month in MONTHS:
        days = [d for d in (date(year, month, n) for n in range(3, 20)) if workday(d)]
        for i, (day, (respond, resolve)) in enumerate(zip(days, DELAYS, strict=False)):
            created = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BJ)
            rows.append({"external_id": f"H{year}{month:02d}{i}", "priority": "P2", "category": "桌面",
                         "created": created.strftime(FMT), "summary": "P2 工单",
                         "first_response": (created + timedelta(minutes=respond)).strftime(FMT),
                         "resolved": (created + timedelta(minutes=resolve)).strftime(FMT)})
    result = import_records(contract, demo["svc_staff"], rows, external_system="itsm")
    assert not result.rejected, result.errors
    # One unplanned outage of 90 business minutes on a working Tuesday in April.
    with acting_as(demo["svc_staff"]):
        records.create(Outage(contract=contract, start=datetime(2026, 4, 14, 10, 0, tzinfo=BJ),
                              end=datetime(2026, 4, 14, 11, 30, tzinfo=BJ), description="交换机故障"),
                       demo["svc_staff"])
    return contract


def recount(contract, months, clock, target_minutes):
    """(within, counted) of one clock over the months, from the raw timestamps (no pauses in these tickets)."""
    within = counted = 0
    for ticket in Ticket.objects.filter(contract__number=contract.number):
        done = ticket.first_response if clock == "response" else ticket.resolved
        met = done is not None and business_minutes(ticket.created, done) <= target_minutes
        decided = (done if met else due_instant(ticket.created, target_minutes)).astimezone(BJ)
        if (decided.year, decided.month) in months:
            within += met
            counted += 1
    return within, counted


def agreed_minutes(months):
    minutes = 0
    for year, month in months:
        t = datetime(year, month, 1, tzinfo=BJ)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BJ)
        while t < end:
            minutes += is_business_minute(t)
            t += timedelta(minutes=1)
    return minutes


def drafted(mr, start=date(2026, 3, 1), end=date(2026, 5, 31), **fields):
    with acting_as(mr):
        review = records.create(ManagementReview(period_start=start, period_end=end,
                                                 owner_department=mr.department, **fields), mr)
        return reviews.take_inputs(review, mr)


def test_the_sla_inputs_equal_a_recount_from_the_tickets(hospital, demo):
    review = drafted(demo["mr"])
    assert review.title == "Management review 2026-03 – 2026-05"
    targets = hospital.sla_for(date(2026, 5, 31)).targets()["P2"]
    response = recount(hospital, MONTHS, "response", targets.response_seconds // 60)
    resolution = recount(hospital, MONTHS, "resolution", targets.resolution_seconds // 60)
    assert response[1] == 21 and 0 < response[0] < 21 and 0 < resolution[0] < resolution[1]
    agreed = agreed_minutes(MONTHS)
    availability = round(100 * (agreed - 90) / agreed, 3)

    sla = section(review, "sla_achievement")
    assert row_of(sla, hospital.number) == [
        hospital.number, str(hospital.customer), 3, response[1], round(100 * response[0] / response[1], 2),
        resolution[1], round(100 * resolution[0] / resolution[1], 2), availability,
        row_of(sla, hospital.number)[8]]
    # In total: every contract in force in the period, pooled from the engine's per-ticket outcomes.
    in_force = [c for c in Contract.objects.in_force() if c.start_date <= date(2026, 5, 31)
                and c.end_date >= date(2026, 3, 1)]
    assert set(review.inputs["contracts"]) == {c.number for c in in_force}
    decided = Ticket.objects.filter(contract__number__in=[c.number for c in in_force],
                                    response_decided__gte=datetime(2026, 3, 1, tzinfo=BJ),
                                    response_decided__lt=datetime(2026, 6, 1, tzinfo=BJ))
    total = sla["rows"][-1]  # "合计": frozen in the company's language
    assert total[3] == decided.count() and total[4] == round(
        100 * decided.filter(response_met=True).count() / decided.count(), 2)

    trend = section(review, "sla_trend")
    assert [r[0] for r in trend["rows"]] == ["2026-03", "2026-04", "2026-05"]
    for year, month in MONTHS:
        r = row_of(trend, f"{year}-{month:02d}")
        within, counted = recount(hospital, [(year, month)], "response", targets.response_seconds // 60)
        assert r[2] == Ticket.objects.filter(contract__number=hospital.number, created__year=year,
                                             created__month=month).count()
        assert r[3] == round(100 * within / counted, 2)
    april = agreed_minutes([(2026, 4)])
    assert row_of(trend, "2026-04")[5] == round(100 * (april - 90) / april, 3)
    assert row_of(trend, "2026-03")[5] == 100.0


def test_satisfaction_goals_and_the_register_are_inputs_too(hospital, demo):
    staff = demo["svc_staff"]
    for score, name, month in ((5, "王主任", 3), (4, "李科长", 4), (2, "赵工", 5), (1, "钱工", 7)):
        with acting_as(staff):
            satisfaction.record(score=score, occasion=SurveyOccasion.ACCEPTANCE, contract=hospital, user=staff,
                                respondent_name=name, year=2026, month=month)
    with acting_as(staff):
        complaint = records.create(Improvement(
            title="投诉：报修电话无人接听", contract=hospital, owner=staff, owner_department=staff.department,
            source_kind=SourceKind.COMPLAINT, source_reference="来函 2026-05-06", source_label="报修电话无人接听",
            due_date=date(2026, 12, 31)), staff)
    review = drafted(demo["mr"], end=date(2026, 12, 31))

    answers = [5, 4, 2, 1]  # the July answer is inside the period to December
    row = row_of(section(review, "satisfaction"), hospital.number)
    assert row[2:] == [4, round(sum(answers) / 4, 2), round(sum(answers) / 4 * 20, 1), 2]

    from projects.services.progress import project_progress
    from strategy.models import Goal

    goals = section(review, "goal_progress")
    for goal in Goal.objects.filter(annual_goals__year=2026, annual_goals__status="approved"):
        known = [p for p in (project_progress(project) for project in goal.projects.all()) if p is not None]
        listed = next(r for r in goals["rows"] if r[0] == 2026 and r[1] == goal.code)
        assert listed[4] == goal.target and listed[7] == (round(sum(known) / len(known), 1) if known else None)

    complaints = section(review, "complaints")
    assert [complaint.number, "来函 2026-05-06", "报修电话无人接听", hospital.number] == \
        row_of(complaints, complaint.number)[:4]
    improvements = section(review, "improvements")
    open_now = Improvement.objects.filter(successor__isnull=True, status__in=("draft", "in_progress", "implemented",
                                                                              "in_review"))
    assert {r[0] for r in improvements["rows"]} >= set(open_now.values_list("number", flat=True))


def decide(review, gm, *rows):
    with acting_as(gm):
        for kind, text, owner, due in rows:
            records.create(Decision(review=review, kind=kind, decision=text, owner=owner, due_date=due), gm)


def test_a_decision_becomes_a_tracked_action_and_an_improvement(demo, client_for):
    mr, gm, owner = demo["mr"], demo["gm"], demo["svc_manager"]
    review = drafted(mr, start=date(2026, 1, 1), end=date(2026, 6, 30))
    with acting_as(mr):
        workflow.fire(review, "submit", mr)
    with acting_as(gm):
        refused = workflow.available(review, gm)
    assert any(t.name == "approve" and reasons for t, reasons in refused)  # no decision yet
    page = client_for("gm").post(reverse("strategy:managementreview_decisions", args=[review.pk]), {
        "decisions-TOTAL_FORMS": "2", "decisions-INITIAL_FORMS": "0",
        "decisions-0-kind": DecisionKind.RESOURCES, "decisions-0-decision": "增派夜班工程师",
        "decisions-0-owner": owner.pk, "decisions-0-due_date": "2026-12-15",
        "decisions-1-kind": DecisionKind.IMPROVEMENT, "decisions-1-decision": "夜间响应改进",
        "decisions-1-owner": owner.pk, "decisions-1-due_date": "2027-01-31"})
    assert page.status_code == 302, page.content.decode()[:2000]
    action = review.decisions.get(kind=DecisionKind.RESOURCES)
    assert not any(i.key == f"management_review:decision:{action.pk}" for i in items_for(owner, date(2026, 12, 10)))

    response = client_for("gm").post(reverse("strategy:managementreview_transition", args=[review.pk]),
                                     {"transition": "approve", "comment": "同意"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "approved"
    # The improvement decision is in the register, linked to the decision, with its owner and due date.
    decided = review.decisions.get(kind=DecisionKind.IMPROVEMENT)
    improvement = Improvement.objects.get(source_kind=SourceKind.MANAGEMENT_REVIEW, source_id=decided.pk)
    assert (improvement.owner, improvement.due_date, improvement.status) == (owner, date(2027, 1, 31), "draft")
    assert improvement.source == decided and improvement.baseline_taken_at is not None
    detail = client_for("mr").get(review.get_absolute_url()).content.decode()
    assert improvement.number in detail
    # The other is a tracked action: due for its owner, overdue for the MR and the GM to follow up.
    due = [i for i in items_for(owner, date(2026, 12, 10)) if i.key == f"management_review:decision:{action.pk}"]
    assert due and due[0].due == date(2026, 12, 15)
    assert any(i.key == f"management_review:follow:{action.pk}" for i in items_for(gm, date(2026, 12, 20)))
    assert not any(i.key.startswith("management_review:decision:") for i in items_for(owner, date(2026, 11, 1))
                   if i.key.endswith(str(decided.pk)))
    # Tracked through the API by its owner (someone else of the company may not): done with its result; it leaves
    # the queues.
    track_url = f"/api/strategy/management-review-decisions/{action.pk}/track/"
    done = {"status": "done", "done_on": "2026-11-20", "result": "两人已到岗"}
    assert client_for("sales").post(track_url, done, content_type="application/json").status_code == 403
    assert client_for("sales").post(reverse("strategy:decision_track", args=[action.pk]), done).status_code == 403
    answer = client_for("svc_manager").post(track_url, done, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done"
    assert not any(i.key == f"management_review:decision:{action.pk}" for i in items_for(owner, date(2026, 12, 10)))
    # Approving again (a new version carrying the decisions) opens no second improvement.
    with acting_as(mr):
        draft = records.new_version(review, mr)
        workflow.fire(draft, "submit", mr)
    with acting_as(gm):
        workflow.fire(draft, "approve", gm)
    assert Improvement.objects.filter(source_kind=SourceKind.MANAGEMENT_REVIEW,
                                      title="夜间响应改进").count() == 1


def test_only_the_management_representative_drafts_and_only_the_general_manager_approves(demo, client_for):
    for name in ("gm", "svc_manager", "tsd_director"):
        with pytest.raises(PermissionDenied), acting_as(demo[name]):
            records.create(ManagementReview(period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                                            owner_department=demo[name].department), demo[name])
    review = drafted(demo["mr"], start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert client_for("gm").post("/api/strategy/management-reviews/", {
        "period_start": "2026-01-01", "period_end": "2026-06-30",
        "owner_department": demo["gm"].department_id}, content_type="application/json").status_code == 403
    with acting_as(demo["mr"]):
        workflow.fire(review, "submit", demo["mr"])
    decide(review, demo["gm"], (DecisionKind.POLICY, "修订方针", demo["mr"], date(2026, 12, 1)))
    for name in ("mr", "tsd_director", "svc_manager"):
        with pytest.raises((PermissionDenied, ValidationError)), acting_as(demo[name]):
            workflow.fire(review, "approve", demo[name])
    with acting_as(demo["gm"]):
        workflow.fire(review, "approve", demo["gm"])
    review.refresh_from_db()
    assert review.status == "approved"


def test_the_period_is_whole_months_and_the_inputs_follow_it(demo):
    mr = demo["mr"]
    with pytest.raises(ValidationError) as refused, acting_as(mr):
        records.create(ManagementReview(period_start=date(2026, 1, 5), period_end=date(2026, 6, 20),
                                        owner_department=mr.department), mr)
    assert set(refused.value.message_dict) == {"period_start", "period_end"}
    with acting_as(mr):
        review = records.create(ManagementReview(period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                                                 owner_department=mr.department), mr)
        with pytest.raises(ValidationError):  # inputs first
            workflow.fire(review, "submit", mr)
    review = reviews.take_inputs(review, mr)
    assert reviews.inputs_taken(review)
    review.period_end = date(2026, 9, 30)
    assert not reviews.inputs_taken(review)  # another period: taken again before submitting


def test_an_approved_reviews_decisions_change_only_in_their_tracking(demo):
    review = ManagementReview.objects.get(status="approved", number__startswith="SP-MR")
    action = review.decisions.filter(status=DecisionStatus.OPEN).exclude(kind=DecisionKind.IMPROVEMENT).first()
    mr, gm = demo["mr"], demo["gm"]
    from core import audit

    before = audit.snapshot(action)
    action.decision = "改写"
    with pytest.raises(ValidationError), acting_as(gm):
        records.update(action, gm, before)
    action.refresh_from_db()
    with pytest.raises(ValidationError), acting_as(gm):
        records.delete(action, gm)
    with pytest.raises(ValidationError), acting_as(gm):
        records.create(Decision(review=review, kind=DecisionKind.OTHER, decision="追加", owner=mr,
                                due_date=date(2027, 1, 1)), gm)
    with pytest.raises(ValidationError), acting_as(mr):
        reviews.track(action, mr, DecisionStatus.DONE, None, "")  # the result is required
    action.refresh_from_db()
    with acting_as(mr):
        reviews.track(action, mr, DecisionStatus.DONE, date.today() - timedelta(days=1), "已完成")
    action.refresh_from_db()
    assert action.status == DecisionStatus.DONE and action.result == "已完成"
    improvement = review.decisions.get(kind=DecisionKind.IMPROVEMENT)
    with pytest.raises(ValidationError), acting_as(mr):
        reviews.track(improvement, mr, DecisionStatus.DONE, date.today(), "在改进登记册中跟踪")


def test_the_demo_review_exports_its_advice_inputs_and_decisions(demo, client_for):
    review = ManagementReview.objects.get(status="approved", number__startswith="SP-MR")
    assert {s["key"] for s in review.inputs["sections"]} >= {
        "sla_achievement", "sla_trend", "goal_progress", "satisfaction", "internal_reviews", "problems",
        "security_incidents", "improvements", "complaints", "audit_findings"}
    assert review.decisions.filter(kind=DecisionKind.IMPROVEMENT).exists()
    assert review.decisions.filter(status=DecisionStatus.DONE).exists()
    assert review.decisions.filter(status=DecisionStatus.OPEN).exclude(kind=DecisionKind.IMPROVEMENT).exists()
    docx = export_record(review, "docx")[0]
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode()
    frozen_title = section(review, "sla_achievement")["title"]  # frozen in the company's language
    for text in ("The Management Representative's advice", frozen_title,
                 "Decisions of the General Manager", review.decisions.first().decision, review.advice_policy[:20]):
        assert text in xml, text
    response = client_for("gm").get(reverse("strategy:managementreview_export", args=[review.pk]) + "?format=pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content if response.streaming else
                                                     [response.content]).startswith(b"%PDF")
    page = client_for("gm").get(review.get_absolute_url()).content.decode()
    assert 'id="section-sla_achievement"' in page and 'id="decision-table"' in page


def test_the_next_review_is_due_for_the_management_representative(demo):
    mr = demo["mr"]
    last = ManagementReview.objects.exclude(status="superseded").order_by("-period_end").first()
    start, end, due = reviews.next_review()
    assert start == last.period_end + timedelta(days=1) and end.month == last.period_end.month
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == reviews.review_months() - 1
    key = f"management_review:prepare:{start:%Y-%m}:{end:%Y-%m}"
    assert not any(i.key == key for i in items_for(mr, start + timedelta(days=31)))
    item = next(i for i in items_for(mr, end - timedelta(days=10)) if i.key == key)
    assert item.due == due and f"period_start={start:%Y-%m-%d}" in item.url
    assert not any(i.key == key for i in items_for(demo["gm"], end - timedelta(days=10)))
