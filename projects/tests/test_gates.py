"""Server-side gates of the project stage (issue 5) and the rules behind them."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import records, workflow
from core.context import acting_as
from core.permissions import MATRIX
from core.roles import Role
from core.workflow import WorkflowError

from .helpers import approved_plan, approved_work_plan, demo_contract, opened_project, work_plan

pytestmark = pytest.mark.django_db

ROLE_USER = {Role.GENERAL_MANAGER: "gm", Role.MANAGEMENT_REP: "mr", Role.TSD_DIRECTOR: "tsd_director",
             Role.TSD_STAFF: "tsd_staff", Role.SERVICE_MANAGER: "svc_manager", Role.SERVICE_STAFF: "svc_staff",
             Role.PROJECT_MANAGER: "pm", Role.TEAM_MEMBER: "member", Role.COMMERCE: "commerce", Role.SALES: "sales",
             Role.AUDITOR: "auditor", Role.ADMIN: "admin", Role.CUSTOMER: "customer",
             Role.EXTERNAL_AUDITOR: "ext_auditor"}


def test_a_project_is_opened_only_from_a_signed_contract(demo):
    from projects import services

    contract = demo_contract()
    assert contract.status == "approved"
    with pytest.raises(ValidationError, match="signed"):
        services.open_project(contract, demo["svc_manager"])


def test_project_change_when_the_contract_is_a_change(demo):
    from projects import services
    from projects.models import Project

    project = opened_project(demo, team=False)
    contract = project.contract
    from contracts.models import Contract

    Contract.objects.filter(pk=contract.pk).update(status="approved")  # the signed contract in force
    contract.refresh_from_db()
    with acting_as(demo["sales"]):
        change = records.new_version(contract, demo["admin"])
    Contract.objects.filter(pk=change.pk).update(status="signed")  # test stand-in for signing (see helpers)
    change.refresh_from_db()
    opened = services.open_project(change, demo["svc_manager"])
    assert opened.kind == "change" and opened.changes_project == project
    assert Project.objects.filter(contract=change).count() == 1
    with pytest.raises(ValidationError):
        services.open_project(change, demo["svc_manager"])


def test_only_the_service_department_appoints_the_pm(demo):
    from projects import services

    project = opened_project(demo, team=False)
    with pytest.raises(PermissionDenied):
        services.appoint_manager(project, demo["pm"], demo["pm"])
    with pytest.raises(ValidationError):
        services.appoint_manager(project, demo["member"], demo["svc_manager"])  # not a PM


def test_team_warnings_for_missing_skills_and_over_allocation(demo):
    from presales.models import StaffSkill
    from projects import services
    from projects.models import TeamMember

    project = opened_project(demo)
    warnings = services.team_warnings(project)
    assert any("Oracle" in w for w in warnings), warnings
    requirements = list(project.contract.service_tier.skills.all())
    for requirement in requirements:
        for user in (demo["pm"], demo["member"]):
            StaffSkill.objects.update_or_create(user=user, skill=requirement.skill,
                                                defaults={"level": requirement.level})
    gaps = services.skill_gaps(project)
    assert all(have == 2 and need > 2 for _req, have, need in gaps), gaps  # both members count now
    assert len(gaps) == sum(1 for r in requirements if r.headcount > 2)
    # A second project puts the member over 100 % in an overlapping period: a warning, not a refusal.
    from contracts.models import Contract

    other = Contract.objects.filter(title__contains="苏州").order_by("-version").first()
    Contract.objects.filter(pk=other.pk).update(status="signed")  # test stand-in for signing (see helpers)
    other.refresh_from_db()
    second = services.open_project(other, demo["svc_manager"])
    services.appoint_manager(second, demo["pm"], demo["svc_manager"])
    services.save_member(TeamMember(project=second, user=demo["member"], allocation=70,
                                    start_date=date(2026, 6, 1), end_date=date(2026, 8, 31)), demo["pm"])
    warnings = services.team_warnings(project)
    over = [w for w in warnings if str(demo["member"]) in w and "%" in w]
    assert over and int(re.search(r"(\d+) %", over[0]).group(1)) >= 130, warnings
    peak = services.peak_allocation([(date(2026, 1, 1), date(2026, 12, 31), 60), (date(2026, 6, 1),
                                                                                  date(2026, 8, 31), 70)])
    assert peak == (130, date(2026, 6, 1), date(2026, 8, 31))


def test_only_the_pm_or_service_department_forms_the_team(demo):
    from projects import services
    from projects.models import TeamMember

    project = opened_project(demo, team=False)
    with pytest.raises(PermissionDenied):
        services.save_member(TeamMember(project=project, user=demo["member"], start_date=project.start_date,
                                        end_date=project.end_date), demo["member"])


def test_work_plan_submission_is_refused_before_the_plan_is_approved(demo, client_for):
    project = opened_project(demo)
    plan = work_plan(project, demo)
    with pytest.raises(WorkflowError, match="project plan must be approved"):
        workflow.fire(plan, "submit", demo["pm"])
    response = client_for("pm").post(f"/api/projects/work-plans/{plan.pk}/transition/", {"transition": "submit"},
                                     content_type="application/json")
    assert response.status_code == 400 and "project plan" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "draft"
    approved_plan(project, demo)
    workflow.fire(plan, "submit", demo["pm"])
    assert plan.status == "in_review"


def test_only_team_members_are_assignees(demo, client_for):
    from projects import services
    from projects.models import Task

    project = opened_project(demo)
    plan = work_plan(project, demo, tasks=1)
    outsider = demo["sales"]
    with pytest.raises(ValidationError, match="not on the project team"):
        services.save_task(Task(work_plan=plan, name="x", assignee=outsider, planned_start=date(2026, 3, 1),
                                planned_end=date(2026, 3, 2)), demo["pm"])
    response = client_for("pm").post("/api/projects/tasks/", {
        "work_plan": plan.pk, "name": "外部人员任务", "assignee": outsider.pk, "planned_start": "2026-03-01",
        "planned_end": "2026-03-02"}, content_type="application/json")
    assert response.status_code == 400 and "assignee" in response.json()
    task = plan.tasks.first()
    response = client_for("pm").patch(f"/api/projects/tasks/{task.pk}/", {"assignee": outsider.pk},
                                      content_type="application/json")
    assert response.status_code == 400
    page = client_for("pm").post(f"/projects/workplan/{plan.pk}/task/{task.pk}/", {
        "name": task.name, "assignee": outsider.pk, "planned_start": "2026-02-02", "planned_end": "2026-02-03",
        "effort_hours": "1"})
    assert page.status_code == 200 and "assignee" in page.content.decode()
    task.refresh_from_db()
    assert task.assignee == demo["member"]
    # A member who leaves the team makes the plan unsubmittable until the task is reassigned.
    approved_plan(project, demo)
    services.remove_member(project.team.get(user=demo["member"]), demo["pm"])
    with pytest.raises(WorkflowError, match="problems"):
        workflow.fire(plan, "submit", demo["pm"])


@pytest.mark.parametrize("role", Role.values)
def test_nobody_but_the_service_department_manager_approves_a_work_plan(role, demo, client_for):
    project = opened_project(demo)
    approved_plan(project, demo)
    plan = work_plan(project, demo)
    workflow.fire(plan, "submit", demo["pm"])
    response = client_for(ROLE_USER[role]).post(f"/api/projects/work-plans/{plan.pk}/transition/",
                                                {"transition": "approve", "comment": "ok"},
                                                content_type="application/json")
    plan.refresh_from_db()
    if role == Role.SERVICE_MANAGER:
        assert response.status_code == 200 and plan.status == "approved"
    else:
        # Outside their reach a customer contact or an external auditor finds no record at all.
        refused = {404} if role == Role.CUSTOMER else {403, 404} if role == Role.EXTERNAL_AUDITOR else {403}
        assert response.status_code in refused, (role, response.content)
        assert plan.status == "in_review"
    assert MATRIX["projects.workplan"]["approve"] == {Role.SERVICE_MANAGER}


def test_a_delegate_of_the_service_department_manager_approves(demo):
    from django.utils import timezone

    from org.models import Delegation

    project = opened_project(demo)
    approved_plan(project, demo)
    plan = work_plan(project, demo)
    workflow.fire(plan, "submit", demo["pm"])
    with pytest.raises(PermissionDenied):
        workflow.fire(plan, "approve", demo["svc_staff"])
    Delegation.objects.create(delegator=demo["svc_manager"], delegate=demo["svc_staff"],
                              start=timezone.now() - timedelta(hours=1), end=timezone.now() + timedelta(days=1))
    from org.models import User

    delegate = User.objects.get(pk=demo["svc_staff"].pk)
    workflow.fire(plan, "approve", delegate, "代批")
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_a_rejected_change_leaves_the_baseline_as_it_was(demo):
    from projects import services
    from projects.models import ChangeRequest, Task

    project = opened_project(demo)
    approved_plan(project, demo)
    baseline = approved_work_plan(project, demo)
    before = list(baseline.tasks.order_by("pk").values("key", "name", "planned_start", "planned_end", "assignee",
                                                        "effort_hours"))
    pm = demo["pm"]
    change = records.create(ChangeRequest(project=project, baseline=baseline, title="变更", reason="客户要求提前",
                                          owner_department=pm.department), pm)
    workflow.fire(change, "request", pm)
    revision = services.start_revision(change, demo["svc_staff"])
    assert revision.version == 2 and revision.change_request == change and revision.status == "draft"
    first = revision.tasks.order_by("position").first()
    services.reschedule(revision, first, first.planned_start + timedelta(days=7), demo["svc_staff"])
    services.save_task(Task(work_plan=revision, name="新增任务", planned_start=date(2026, 3, 1),
                            planned_end=date(2026, 3, 3)), demo["svc_staff"])
    workflow.fire(change, "check", pm)
    revision.refresh_from_db()
    assert revision.status == "in_review"
    # The work plan's own approve is not the way for a revision.
    with pytest.raises(WorkflowError):
        workflow.fire(revision, "approve", demo["svc_manager"])
    with pytest.raises(WorkflowError):
        workflow.fire(change, "reject", demo["svc_manager"])  # a comment is required
    workflow.fire(change, "reject", demo["svc_manager"], "不同意提前")
    change.refresh_from_db()
    revision.refresh_from_db()
    baseline.refresh_from_db()
    assert change.status == "rejected" and revision.status == "rejected"
    assert baseline.status == "approved" and project.baseline() == baseline
    assert list(baseline.tasks.order_by("pk").values("key", "name", "planned_start", "planned_end", "assignee",
                                                      "effort_hours")) == before
    assert change.comparison["summary"]["added"] == 1
    # The next change starts again from the baseline, not from the rejected revision.
    second = records.create(ChangeRequest(project=project, baseline=baseline, title="变更二", reason="人员调整",
                                          owner_department=pm.department), pm)
    workflow.fire(second, "request", pm)
    again = services.start_revision(second, demo["svc_staff"])
    assert again.version == 3 and again.predecessor == revision
    assert again.tasks.count() == baseline.tasks.count()
    assert set(again.tasks.values_list("key", flat=True)) == set(baseline.tasks.values_list("key", flat=True))


def test_progress_never_changes_the_baseline(demo):
    from projects import services

    project = opened_project(demo)
    approved_plan(project, demo)
    baseline = approved_work_plan(project, demo)
    lock = baseline.lock_version
    task = baseline.tasks.order_by("position").first()
    services.record_progress(project, task.key, demo["member"], percent_complete=50, state="in_progress",
                             actual_start=date(2026, 2, 3))
    services.record_progress(project, task.key, demo["pm"], percent_complete=100, state="done",
                             actual_start=date(2026, 2, 3), actual_end=date(2026, 2, 6))
    baseline.refresh_from_db()
    assert baseline.lock_version == lock and baseline.status == "approved"
    assert services.project_progress(project) == pytest.approx(33.3, abs=0.1)
    with pytest.raises(PermissionDenied):
        services.record_progress(project, task.key, demo["sales"], percent_complete=10)


def test_dependency_loops_are_refused(demo):
    from projects.models import Dependency

    project = opened_project(demo)
    plan = work_plan(project, demo, tasks=3)
    first, _second, third = plan.tasks.order_by("position")
    with pytest.raises(ValidationError, match="loop"):
        records.create(Dependency(work_plan=plan, predecessor=third, successor=first), demo["pm"])


def test_project_plan_approval_needs_a_passed_review_with_findings_closed(demo):
    from projects.models import PlanReview, ProjectPlan, QualityObjective, ReviewFinding

    project = opened_project(demo)
    pm, director = demo["pm"], demo["tsd_director"]
    plan = records.create(ProjectPlan(project=project, title="策划书", owner_department=pm.department, measures="m",
                                      resources="r", acceptance_criteria="a", report_sections=["sla"]), pm)
    with pytest.raises(WorkflowError, match="objective"):
        workflow.fire(plan, "submit", pm)
    records.create(QualityObjective(plan=plan, objective="可用性", target="99.9%", measurement="监控", owner=pm), pm)
    workflow.fire(plan, "submit", pm)
    with pytest.raises(WorkflowError, match="review"):
        workflow.fire(plan, "approve", director)
    review = records.create(PlanReview(project=project, plan=plan, title="评审", owner_department=pm.department,
                                       held_on=date(2026, 1, 5)), pm)
    finding = records.create(ReviewFinding(review=review, description="目标不可测"), pm)
    with pytest.raises(WorkflowError):
        workflow.fire(review, "conclude", pm)  # no reviewers, no verdict
    review.reviewers.set([director])
    review.verdict = "passed"
    records.update(review, pm, {})
    workflow.fire(review, "conclude", pm)
    with pytest.raises(WorkflowError, match="finding"):
        workflow.fire(plan, "approve", director)
    from projects import services

    services.resolve_finding(finding, pm, "accepted", "已在目标中说明测量方法")
    with pytest.raises(PermissionDenied):
        workflow.fire(plan, "approve", demo["svc_manager"])  # the Technical Service Division approves
    workflow.fire(plan, "approve", director, "同意")
    assert plan.status == "approved"


def test_initiation_application_needs_department_then_division(demo):
    from projects.models import InitiationApplication

    project = opened_project(demo)
    pm = demo["pm"]
    app = records.create(InitiationApplication(
        project=project, title="立项申请", owner_department=pm.department, contract=project.contract,
        category="operations", project_manager=pm, planned_start=project.start_date, planned_end=project.end_date,
        budget="500000", necessity="客户需要", feasibility="人员具备"), pm)
    workflow.fire(app, "submit", pm)
    with pytest.raises(WorkflowError):
        workflow.fire(app, "approve", demo["tsd_director"])  # the division cannot go first
    with pytest.raises(PermissionDenied):
        workflow.fire(app, "approve_department", demo["tsd_director"])
    workflow.fire(app, "approve_department", demo["svc_manager"], "同意")
    assert app.status == "dept_approved"
    with pytest.raises(PermissionDenied):
        workflow.fire(app, "approve", demo["svc_manager"])
    workflow.fire(app, "approve", demo["tsd_director"], "同意")
    assert app.status == "approved" and app.approved_at is not None
