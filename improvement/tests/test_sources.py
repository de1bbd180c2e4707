"""One register fed from every source (issue 13 point 4): "Raise improvement" on each source's page opens the
improvement prefilled from it; overdue improvements in the owner's work queue; the report sections and the closure
checklist items."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from closure.checklist import items as checklist_items
from closure.models.review import Verdict
from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import records, workflow
from core import report_sections as rs
from core.context import acting_as
from core.extensions import forward_actions
from core.worklist import Kind, items_for
from improvement import measures, reports, services, sources
from improvement.choices import ImprovementStatus, MeasureKind, SourceKind
from improvement.models import Improvement
from projects.models import Project
from reporting.models import ActionItem, MetricAnalysis, MonthlyServiceReport, SatisfactionResponse


def action_keys(obj, user):
    return {a.key: a for a in forward_actions(obj, user)}


def add_page(client, obj):
    response = client.get(sources.raise_url(obj))
    assert response.status_code == 200
    return response.content.decode()


def test_a_missed_target_of_a_monthly_report(demo, client_for):
    analysis = MetricAnalysis.objects.filter(metric_key__startswith="response_").select_related("report").first()
    assert analysis is not None, "the demo's reports have missed targets"
    report = analysis.report
    actions = action_keys(report, demo["svc_staff"])
    assert f"raise-improvement-{analysis.pk}" in actions
    assert actions[f"raise-improvement-{analysis.pk}"].url == sources.raise_url(analysis)
    values = sources.prefill(analysis)
    priority = analysis.metric_key.split("_")[1]
    assert values["source_kind"] == SourceKind.MISSED_TARGET and values["contract"] == report.contract
    assert values["measure"] == MeasureKind.RESPONSE
    assert values["measure_priority"] == ("" if priority == "all" else priority)
    assert report.number in values["source_label"] and sources.metric_label(analysis) in values["source_label"]
    page = add_page(client_for("svc_staff"), analysis)
    assert sources.metric_label(analysis) in page and f'value="{report.contract.pk}" selected' in page
    # Nobody outside the authors sees the button.
    assert not any(k.startswith("raise-improvement") for k in action_keys(report, demo["sales"]))


def test_raised_over_the_api_from_a_meeting_action(demo, client_for):
    action = ActionItem.objects.filter(project__isnull=False).select_related("minutes", "project__contract").first()
    assert "raise-improvement" in action_keys(action, demo["svc_staff"])
    values = sources.prefill(action)
    assert values["source_kind"] == SourceKind.MEETING_ACTION and values["contract"] == action.project.contract
    assert values["owner"] == action.owner and values["due_date"] == action.due_date
    assert action.description in values["plan"] and action.minutes.number in values["source_label"]
    response = client_for("svc_staff").post("/api/improvement/improvements/", {
        "raised_from": "reporting.actionitem", "raised_from_id": action.pk, "owner": action.owner_id,
        "due_date": str(action.due_date)}, content_type="application/json")
    assert response.status_code == 201, response.content
    improvement = Improvement.objects.get(pk=response.json()["id"])
    assert improvement.source == action and improvement.source_kind == SourceKind.MEETING_ACTION
    assert improvement.contract == action.project.contract and improvement.plan == action.description
    expected = measures.measured_months([improvement.contract], measures.full_months_before(timezone.localdate()))
    assert improvement.baseline_taken_at is not None and improvement.baseline_months == [
        measures.label(m) for m in expected]  # the three full months before, inside the contract's term
    assert improvement.baseline_detail["key"] == improvement.measure_key


def test_a_low_satisfaction_answer(demo, client_for):
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    staff = demo["svc_staff"]
    today = timezone.localdate()
    with acting_as(staff):
        low = records.create(SatisfactionResponse(contract=contract, year=today.year, month=today.month, score=2,
                                                  comment="夜间响应太慢", respondent_name="孙慧敏"), staff)
        high = records.create(SatisfactionResponse(contract=contract, year=today.year, month=today.month, score=4,
                                                   respondent_name="王强"), staff)
    assert "raise-improvement" in action_keys(low, staff)
    assert "raise-improvement" not in action_keys(high, staff)
    values = sources.prefill(low)
    assert values["source_kind"] == SourceKind.LOW_SATISFACTION and values["measure"] == MeasureKind.SATISFACTION
    assert values["contract"] == contract and values["plan"] == "夜间响应太慢"
    assert "2/5" in values["source_label"]
    assert "夜间响应太慢" in add_page(client_for("svc_staff"), low)


def test_an_internal_review_with_a_failed_criterion_or_a_deviation(demo, client_for):
    from closure.models.review import CriterionVerdict, InternalReview

    verdict = CriterionVerdict.objects.filter(verdict__in=(Verdict.FAIL, Verdict.DEVIATION)) \
        .select_related("criterion__review").order_by("-pk").first()
    if verdict is None:  # the demo's review passed cleanly: give one criterion an accepted deviation here
        review = InternalReview.objects.order_by("-pk").first()
        criterion = review.criteria.first()
        CriterionVerdict.objects.create(criterion=criterion, review_round=max(review.review_round, 1),
                                        verdict=Verdict.DEVIATION, deviation="P1 解决达成率 93%，低于 95%",
                                        reviewer=demo["svc_manager"], given_at=timezone.now())
        InternalReview.objects.filter(pk=review.pk).update(review_round=max(review.review_round, 1))
    else:
        review = verdict.criterion.review
    review.refresh_from_db()
    assert "raise-improvement" in action_keys(review, demo["svc_staff"])
    values = sources.prefill(review)
    assert values["source_kind"] == SourceKind.INTERNAL_REVIEW and values["contract"] == review.project.contract
    assert review.number in values["source_label"] and values["plan"]
    assert review.number in add_page(client_for("svc_staff"), review)


@pytest.mark.parametrize("label,kind", [("problems.problem", SourceKind.PROBLEM),
                                        ("security.securityincident", SourceKind.SECURITY_INCIDENT)])
def test_problems_and_security_incidents_once_their_apps_are_installed(demo, label, kind):
    """Built alongside: registered by label, the buttons appear when the model is installed (never imported)."""
    assert sources.SOURCES[label].kind == kind
    if not sources.model_installed(label):
        assert sources.resolve(label, 1, demo["admin"]) is None
        return
    from django.apps import apps

    obj = apps.get_model(label).objects.order_by("pk").first()
    if obj is None:
        return
    values = sources.prefill(obj)
    assert values["source_kind"] == kind and values["source_label"]


def test_a_complaint_is_typed_by_hand_with_its_reference(demo):
    staff = demo["svc_staff"]
    improvement = Improvement(title="投诉", owner=staff, owner_department=staff.department,
                              source_kind=SourceKind.COMPLAINT, measure=MeasureKind.RESPONSE,
                              due_date=timezone.localdate())
    with acting_as(staff), pytest.raises(Exception, match="reference of the complaint"):
        services.create(improvement, staff)


def test_overdue_improvements_are_in_the_owners_work_queue(demo, client_for):
    pm, staff = demo["pm"], demo["svc_staff"]
    today = timezone.localdate()
    # The demo company has none overdue (its compliance checks find none): a complaint started and left past its date.
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    with acting_as(staff):
        overdue = services.create(Improvement(
            title="客户投诉：网点打印机反复故障", contract=contract,
            owner=pm, owner_department=staff.department, source_kind=SourceKind.COMPLAINT,
            source_label="客户来函", source_reference="来函 2026-10-12", measure=MeasureKind.RESPONSE,
            due_date=today - timedelta(days=10), plan="更换老化打印机硒鼓，建立每月巡检。"), staff)
        workflow.fire(overdue, "start", staff, "开始实施")
    overdue.refresh_from_db()
    assert overdue.overdue
    items = {item.key: item for item in items_for(pm, today)}
    item = items[f"improvement:due:{overdue.pk}"]
    assert item.kind == Kind.DUE and item.overdue(today) and "overdue" in item.title
    assert f"improvement:due:{overdue.pk}" not in {i.key for i in items_for(demo["svc_staff"], today)}
    assert overdue.number in client_for("pm").get("/").content.decode()
    listed = client_for("svc_manager").get("/improvement/improvement/", {"overdue": "true"}).content.decode()
    assert overdue.number in listed


def test_the_managers_checks_to_approve_come_from_the_approval_queue(demo):
    manager = demo["svc_manager"]
    closed = Improvement.objects.filter(status=ImprovementStatus.CLOSED).first()
    assert closed is not None and closed.effective is not None and closed.approved_at is not None
    Improvement.objects.filter(pk=closed.pk).update(status=ImprovementStatus.CHECK_IN_REVIEW)
    closed.refresh_from_db()
    records.reindex(closed)
    keys = {item.key for item in items_for(manager) if item.kind == Kind.APPROVE}
    assert any(key.startswith(f"approve:improvement:{closed.pk}:") for key in keys)


def test_report_sections_and_the_closure_checklist(demo):
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    open_ones = Improvement.objects.filter(contract__number=contract.number, status__in=(
        ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS))
    assert open_ones.count() >= 2
    now = timezone.now()
    scope = rs.Scope(contracts=(contract,), start=now - timedelta(days=30), end=now)
    monthly = reports.period_improvements(scope).as_dict()
    numbers = {row[0] for row in monthly["rows"]}
    assert set(open_ones.values_list("number", flat=True)) <= numbers
    assert reports.period_improvements in rs._providers[rs.MONTHLY]
    assert any(s["key"] == "improvements" for s in rs.sections(rs.INTERNAL, scope))
    old = rs.Scope(contracts=(contract,), start=datetime(2020, 1, 1, tzinfo=now.tzinfo),
                   end=datetime(2020, 2, 1, tzinfo=now.tzinfo))
    assert {row[0] for row in reports.period_improvements(old).rows} == \
        set(open_ones.values_list("number", flat=True)) | set(
            Improvement.objects.filter(contract__number=contract.number, status="implemented")
            .values_list("number", flat=True))

    project = Project.objects.filter(contract__title=CHAIN_TITLE).order_by("created").first()
    listed = {item.key: item for item in checklist_items(project)}
    for improvement in open_ones:
        item = listed[f"improvement:{improvement.number}"]
        assert not item.done and item.may_dispose and item.url == improvement.get_absolute_url()


def test_the_register_page_filters(demo, client_for):
    client = client_for("svc_manager")
    page = client.get("/improvement/improvement/", {"source_kind": SourceKind.COMPLAINT}).content.decode()
    complaint = Improvement.objects.filter(source_kind=SourceKind.COMPLAINT).first()
    other = Improvement.objects.exclude(source_kind=SourceKind.COMPLAINT).first()
    assert complaint.number in page and other.number not in page
    api = client.get("/api/improvement/improvements/", {"owner": demo["pm"].pk}).json()
    assert api["count"] == Improvement.objects.filter(owner=demo["pm"]).count()
    assert MonthlyServiceReport.objects.exists()


def test_the_add_page_raised_from_a_source_saves_the_link_and_the_baseline(demo, client_for):
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    staff = demo["svc_staff"]
    today = timezone.localdate()
    with acting_as(staff):
        low = records.create(SatisfactionResponse(contract=contract, year=today.year, month=today.month, score=1,
                                                  comment="多次报修无人跟进", respondent_name="孙慧敏"), staff)
    client = client_for("svc_staff")
    response = client.post(sources.raise_url(low), {
        "title": "", "contract": contract.pk, "source_kind": SourceKind.OTHER, "source_label": "篡改",
        "source_reference": "", "owner_department": staff.department_id, "confidentiality": "internal",
        "owner": staff.pk, "due_date": str(today + timedelta(days=30)), "plan": "建立低分回访制度",
        "measure": MeasureKind.SATISFACTION, "measure_priority": "", "measure_category": "", "target_value": "4.5",
        "check_months": "3", "change_note": ""})
    assert response.status_code in (200, 302), response.content[:500]
    improvement = Improvement.objects.get(source_id=low.pk, source_kind=SourceKind.LOW_SATISFACTION)
    assert improvement.source == low and "1/5" in improvement.source_label  # kept as raised, not as posted
    assert improvement.title.startswith("Improvement:") and improvement.baseline_taken_at is not None
    assert improvement.baseline_months == [measures.label(m) for m in measures.measured_months(
        [contract], measures.full_months_before(today))]


def test_a_company_wide_improvement_is_measured_over_every_contract_in_force(demo):
    from servicedata import sla

    staff = demo["svc_staff"]
    today = timezone.localdate()
    with acting_as(staff):
        improvement = services.create(Improvement(
            title="全公司可用率", owner=staff, owner_department=staff.department, source_kind=SourceKind.OTHER,
            measure=MeasureKind.AVAILABILITY, due_date=today + timedelta(days=60)), staff)
    in_force = list(Contract.objects.in_force())
    assert improvement.contract is None and improvement.customer is None and len(in_force) >= 2
    months = measures.measured_months(in_force, measures.full_months_before(today))
    assert improvement.baseline_months == [measures.label(m) for m in months]
    agreed = sum(sla.period_metrics(c, y, m).agreed_seconds for c in in_force for y, m in measures.in_term(c, months))
    assert improvement.baseline_detail["agreed_seconds"] == agreed > 0
