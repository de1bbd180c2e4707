"""The project stage's compliance rules (projects.compliance): PRJ-1 project opened without a signed contract,
PRJ-2 work plan approved before the project plan, PRJ-3 task work outside an approved work plan, CHG-1 change
implemented before its approval. The demo complies; each test makes one violation and finds exactly it."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from contracts.choices import SignedStatus
from contracts.compliance import company_zone
from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import compliance, workflow
from core.choices import RecordStatus
from core.compliance import CheckScope, Severity
from core.context import acting_as
from core.display import readable
from core.models import TransitionLog
from projects import services
from projects.choices import ChangeStatus, TaskState, WorkPlanStatus
from projects.models import ChangeRequest, Project, ProjectPlan, Task, TaskProgress, WorkPlan

from .helpers import opened_project

TODAY = date(2026, 12, 1)
RULES = ("PRJ-1", "PRJ-2", "PRJ-3", "CHG-1")


def found(rule_id, contracts=None):
    scope = CheckScope(TODAY, frozenset(contracts) if contracts is not None else None)
    return list(compliance.get(rule_id).find(scope))


def log(record, target):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                        target=target).order_by("at").first()


def running():
    return Project.objects.get(contract__title=CHAIN_TITLE, contract__status=SignedStatus.SIGNED)


def hospital():
    return Project.objects.get(contract__customer__code="nbhospital")


def test_rules_declared_with_clause_and_severity():
    declared = {rule_id: (compliance.get(rule_id).clause, compliance.get(rule_id).severity) for rule_id in RULES}
    assert declared == {"PRJ-1": ("8.1", Severity.MAJOR), "PRJ-2": ("8.1", Severity.MINOR),
                        "PRJ-3": ("8.1", Severity.MINOR), "CHG-1": ("8.5.1", Severity.MAJOR)}


def test_demo_projects_comply(demo):
    assert Project.objects.count() >= 3
    assert TaskProgress.objects.exists()  # the finished project's tasks are all done
    assert ChangeRequest.objects.filter(status=ChangeStatus.APPROVED).count() >= 2
    assert {rule_id: found(rule_id) for rule_id in RULES} == {rule_id: [] for rule_id in RULES}


def test_project_opened_before_its_contract_was_signed(demo):
    project = hospital()
    signed_at = log(project.contract, SignedStatus.SIGNED).at
    Project.objects.filter(pk=project.pk).update(created=signed_at - timedelta(minutes=5))

    [violation] = found("PRJ-1")
    assert violation.obj == project and violation.related == (project.contract,)
    assert "was signed only on" in readable(violation.message)
    assert found("PRJ-1", contracts=[running().contract_id]) == []


def test_project_from_a_contract_never_signed(demo):
    # The project-stage test helper "signs" the contract by a status update: no signature is on record.
    project = opened_project(demo, team=False)

    [violation] = found("PRJ-1")
    assert violation.obj == project
    assert "which was never signed" in readable(violation.message)


def test_work_plan_approved_before_the_project_plan(demo):
    project = running()
    first = WorkPlan.objects.get(project=project, version=1)
    plan = ProjectPlan.objects.get(project=project, status=RecordStatus.APPROVED)
    TransitionLog.objects.filter(pk=log(plan, RecordStatus.APPROVED).pk).update(
        at=log(first, WorkPlanStatus.APPROVED).at + timedelta(microseconds=1))

    [violation] = found("PRJ-2")
    assert violation.obj == first  # the revisions were approved later, after the plan
    assert "the project plan only on" in readable(violation.message)


def test_work_plan_approved_with_no_project_plan_approved(demo):
    project = running()
    for plan in ProjectPlan.objects.filter(project=project):
        TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk,
                                     target=RecordStatus.APPROVED).delete()

    violations = found("PRJ-2")
    approved = WorkPlan.objects.filter(project=project, status__in=[WorkPlanStatus.APPROVED,
                                                                    WorkPlanStatus.SUPERSEDED])
    assert {v.obj for v in violations} == set(approved) and len(approved) >= 2
    assert all("no project plan" in readable(v.message) for v in violations)


def test_progress_off_the_approved_plan(demo):
    project = hospital()  # its work plan is a draft
    task = Task.objects.filter(work_plan__project=project).order_by("position").first()
    row = TaskProgress.objects.create(project=project, task_key=task.key, percent_complete=10,
                                      state=TaskState.IN_PROGRESS, recorded_by=demo["member"])

    [violation] = found("PRJ-3")
    assert (violation.obj, violation.key, violation.related) == (project, str(task.key), (row,))
    assert task.name in readable(violation.message)


def test_progress_recorded_before_the_plan_was_approved(demo):
    project = running()
    baseline = project.baseline()
    task = baseline.tasks.order_by("position").first()
    with acting_as(demo["pm"]):
        row = services.record_progress(project, task.key, demo["pm"], percent_complete=20,
                                       state=TaskState.IN_PROGRESS, actual_start=task.planned_start)
    assert found("PRJ-3") == []  # recorded on the baseline: compliant
    first_approval = min(log(plan, WorkPlanStatus.APPROVED).at for plan in WorkPlan.objects.filter(project=project)
                         if log(plan, WorkPlanStatus.APPROVED))
    TaskProgress.objects.filter(pk=row.pk).update(created=first_approval - timedelta(days=1))

    [violation] = found("PRJ-3")
    assert violation.obj == project and violation.key == str(task.key)


def _change_adding_a_task(demo, project):
    """The running project's checked change sent back; staff add a task; checked and approved. Returns (change,
    task)."""
    pm, staff, manager = demo["pm"], demo["svc_staff"], demo["svc_manager"]
    change = ChangeRequest.objects.get(project=project, status=ChangeStatus.CHECKED)
    with acting_as(manager):
        workflow.fire(change, "rework", manager, "补充任务")
    with acting_as(staff):
        revision = services.start_revision(change, staff)
        first = revision.tasks.order_by("position").first()
        task = services.save_task(Task(work_plan=revision, name="新增数据核对", planned_start=first.planned_start,
                                       planned_end=first.planned_start, effort_hours=4, assignee=demo["member"]),
                                  staff)
    with acting_as(pm):
        workflow.fire(change, "check", pm, "已核对")
    with acting_as(manager):
        workflow.fire(change, "approve", manager, "同意")
    change.refresh_from_db()
    return change, task


def test_task_added_by_a_change_started_before_its_approval(demo):
    project = running()
    change, task = _change_adding_a_task(demo, project)
    approved_on = timezone.localtime(change.approved_at, company_zone()).date()
    with acting_as(demo["pm"]):
        row = services.record_progress(project, task.key, demo["pm"], percent_complete=10,
                                       state=TaskState.IN_PROGRESS, actual_start=approved_on)
    assert found("CHG-1") == [] and found("PRJ-3") == []  # started the day it was approved

    TaskProgress.objects.filter(pk=row.pk).update(actual_start=approved_on - timedelta(days=3))
    [violation] = found("CHG-1")
    assert (violation.obj, violation.key, violation.related) == (change, str(task.key), (row,))
    assert "added by the change" in readable(violation.message)
    assert found("PRJ-3") == []


def test_revised_plan_in_effect_before_the_change_was_approved(demo):
    change = ChangeRequest.objects.filter(project=running(), status=ChangeStatus.APPROVED).get()
    revision = WorkPlan.objects.get(change_request=change)
    took_effect = log(revision, WorkPlanStatus.APPROVED).at
    ChangeRequest.objects.filter(pk=change.pk).update(approved_at=took_effect + timedelta(hours=1))

    [violation] = found("CHG-1")
    assert (violation.obj, violation.key) == (change, f"v{revision.version}")
    assert "before the change was approved" in readable(violation.message)
    assert found("CHG-1", contracts=[Contract.objects.get(customer__code="nbhospital", status="signed").pk]) == []
