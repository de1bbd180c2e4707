"""The internal review 内部评审: criteria proposed from the contract and plan, verdicts by the departments, the pass
rule (every criterion passes or carries an accepted deviation), a failing criterion fixed in a new round."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import workflow
from core.context import acting_as

from ..models.review import CriterionSource, ReviewStatus
from ..services import acceptance, review
from .helpers_acceptance import judge_all, project_with_plan, started_review, submit

pytestmark = pytest.mark.django_db


def test_criteria_proposed_from_contract_and_plan(demo):
    project = project_with_plan(demo)
    proposals = review.proposed_criteria(project)
    sources = {p["source"] for p in proposals}
    assert sources == {CriterionSource.CONTRACT, CriterionSource.PLAN}
    texts = [p["criterion"] for p in proposals]
    assert "SLA 达标" in texts  # the plan's acceptance criteria, line by line
    assert any("P1 响应" in t for t in texts)  # its quality objective
    assert any(project.contract.sla_for(project.end_date).number in t for t in texts)


def test_review_passes_only_when_every_criterion_passes_or_deviation_is_accepted(demo):
    project = project_with_plan(demo)
    rev = submit(started_review(project, demo), demo)
    assert set(rev.departments.values_list("code", flat=True)) >= {"service", "tsd"}  # two departments
    criteria = list(rev.criteria.order_by("pk"))
    last = criteria[-1]
    rev = judge_all(rev, demo, except_ids={last.pk})
    assert rev.status == ReviewStatus.IN_REVIEW and not review.outcome(rev).passed
    # the pass transition is refused while a verdict is missing
    with pytest.raises(ValidationError), acting_as(demo["svc_staff"]):
        workflow.fire(rev, "approve", demo["svc_staff"])
    with acting_as(demo["tsd_staff"]):
        review.give_verdict(last, demo["tsd_staff"], "deviation", deviation="割接推迟一周，客户同意")
    rev.refresh_from_db()
    assert rev.status == ReviewStatus.APPROVED  # the last verdict fired the pass
    result = review.outcome(rev)
    assert result.passed and result.verdicts[last.pk].accepted_by == demo["tsd_staff"]


def test_failing_criterion_returns_the_review_then_a_new_round_keeps_the_passes(demo):
    project = project_with_plan(demo)
    rev = submit(started_review(project, demo), demo)
    tsd_criterion = rev.criteria.get(department__code="tsd")
    with acting_as(demo["tsd_staff"]):
        review.give_verdict(tsd_criterion, demo["tsd_staff"], "fail", comment="缺少评审纪要签字页")
    rev = judge_all(rev, demo)
    assert rev.status == ReviewStatus.RETURNED  # every criterion judged, one failed: back to the project team
    assert review.latest_passed(project) is None
    # acceptance cannot be requested before the review passes
    with acting_as(demo["pm"]), pytest.raises(ValidationError):
        acceptance.generate_certificate(rev, demo["pm"])
    # The PM fixes the evidence and submits a new round; only the failed criterion is judged again.
    from core import audit, records

    with acting_as(demo["pm"]):
        before = audit.snapshot(tsd_criterion)
        tsd_criterion.evidence = "技术评审纪要（含签字页）"
        records.update(tsd_criterion, demo["pm"], before)
    rev = submit(rev, demo)
    result = review.outcome(rev)
    assert [c.pk for c in result.pending] == [tsd_criterion.pk]
    assert all(v.carried for v in result.verdicts.values())
    with acting_as(demo["tsd_staff"]):
        review.give_verdict(tsd_criterion, demo["tsd_staff"], "pass")
    rev.refresh_from_db()
    assert rev.status == ReviewStatus.APPROVED


def test_only_a_reviewer_of_the_criterions_department_judges_it(demo):
    project = project_with_plan(demo)
    rev = submit(started_review(project, demo), demo)
    tsd_criterion = rev.criteria.get(department__code="tsd")
    with pytest.raises(PermissionDenied):
        review.give_verdict(tsd_criterion, demo["svc_staff"], "pass")
    service_criterion = rev.criteria.exclude(department__code="tsd").first()
    with pytest.raises(PermissionDenied):  # the project manager does not verify their own delivery
        review.give_verdict(service_criterion, demo["pm"], "pass")
    with pytest.raises(ValidationError), acting_as(demo["svc_staff"]):  # a fail says why
        review.give_verdict(service_criterion, demo["svc_staff"], "fail")


def test_review_pages_and_api(demo, client_for):
    project = project_with_plan(demo)
    pm = client_for("pm")
    page = pm.get(f"/closure/internalreview/start/{project.pk}/")
    assert page.status_code == 200 and "SLA 达标" in page.content.decode()
    response = pm.post(f"/closure/internalreview/start/{project.pk}/")
    rev = review.review_of(project)
    assert response.status_code == 302 and rev is not None
    submit(rev, demo)
    staff = client_for("svc_staff")
    criterion = rev.criteria.exclude(department__code="tsd").first()
    detail = staff.get(rev.get_absolute_url())
    assert detail.status_code == 200
    assert f'action="/closure/internalreview/{rev.pk}/criterion/' in detail.content.decode()
    answer = staff.post(f"/api/closure/review-criteria/{criterion.pk}/verdict/",
                        {"verdict": "pass"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["reviewer"] == demo["svc_staff"].pk
    listed = staff.get("/api/closure/internal-reviews/", {"project": project.pk}).json()
    assert listed["results"][0]["criteria"]
    pdf = staff.get(f"/closure/internalreview/{rev.pk}/export/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
