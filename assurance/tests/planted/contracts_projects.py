"""Planted violations: contracts and projects (CON-1, CON-2, PRJ-1, PRJ-2, PRJ-3, CHG-1).

Planted on the demo's own records, so that no other rule finds anything new: a fresh contract or project would
owe monthly reports, meetings and a closure. Where the workflow refuses the violating path (signing without a
passed review, an SLA signed unapproved, a project opened from an unsigned contract, a work plan approved before
its project plan, progress off the baseline) the violation is planted as it happens in real life in a system that
refuses it: a direct database edit, outside every service (tampering). The edits touch only the transition log and
a row no audit entry covers, so the audit trail still verifies (AUD-1); each record's status stays its last logged
transition (WF-3); who approved what is untouched (WF-1, WF-2). The change implemented before its approval goes
through the services a user would use: the workflow cannot know when work really started.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assurance.tests.planted import Expected
from contracts.choices import ReviewStatus, SignedStatus
from contracts.compliance import company_zone
from contracts.demo import CHAIN_TITLE, FINISHED_TITLE
from contracts.models import Contract, ContractReview, ServiceLevelAgreement
from core import workflow
from core.choices import RecordStatus
from core.context import acting_as
from core.models import TransitionLog
from projects import services
from projects.choices import ChangeStatus, TaskState, WorkPlanStatus
from projects.models import ChangeRequest, Project, ProjectPlan, Task, TaskProgress, WorkPlan

HOSPITAL = "nbhospital"


def plant(demo):
    return [
        review_passed_after_signing(),
        sla_approval_removed(),
        project_opened_before_signing(),
        project_plan_approved_after_work_plan(),
        progress_on_draft_plan(demo),
        added_task_started_before_approval(demo),
    ]


def _log(record, target):
    """The logged transition that took `record` into `target` (the first, should there be several)."""
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(record),
                                        object_id=record.pk, target=target).order_by("at", "pk").first()


def _hospital_contract():
    return Contract.objects.signed().get(customer__code=HOSPITAL)


def _running_project():
    return Project.objects.get(contract__title=CHAIN_TITLE, contract__status=SignedStatus.SIGNED)


def review_passed_after_signing():
    """CON-1. The hospital contract's review is recorded as passed a minute after the contract was signed: a
    direct edit of the review's logged pass (signing before the pass is refused by the workflow). The pass stays
    the review's last transition."""
    contract = _hospital_contract()
    review = ContractReview.objects.get(contract=contract, status=ReviewStatus.APPROVED)
    signed = _log(contract, SignedStatus.SIGNED)
    TransitionLog.objects.filter(pk=_log(review, ReviewStatus.APPROVED).pk).update(
        at=signed.at + timedelta(minutes=1))
    return Expected("CON-1", contract)


def sla_approval_removed():
    """CON-2. The running 温州水务 contract's SLA in force loses its approval from the record: a direct delete of
    the logged approval (signing an SLA that is not approved is refused by the workflow). Its log still ends with
    the signature."""
    sla = ServiceLevelAgreement.objects.get(contract__title=CHAIN_TITLE, status=SignedStatus.SIGNED)
    TransitionLog.objects.filter(pk=_log(sla, SignedStatus.APPROVED).pk).delete()
    return Expected("CON-2", sla)


def project_opened_before_signing():
    """PRJ-1. The finished cut-over project was opened before its contract was signed: the contract's logged
    signature is moved to a second after the opening, a direct edit (opening a project from an unsigned contract is
    refused by projects.services.open_project). The transition log is not an audited row, so the audit trail still
    verifies; the signature stays the contract's last transition and after its review's pass."""
    contract = Contract.objects.get(title=FINISHED_TITLE, status=SignedStatus.SIGNED)
    project = Project.objects.get(contract=contract)
    TransitionLog.objects.filter(pk=_log(contract, SignedStatus.SIGNED).pk).update(
        at=project.created + timedelta(seconds=1))
    return Expected("PRJ-1", project)


def project_plan_approved_after_work_plan():
    """PRJ-2. The running project's plan is recorded as approved just after its first work plan version was: a
    direct edit of the plan's logged approval (a work plan is approved only once its project plan is). The
    revisions approved later stay after it."""
    project = _running_project()
    first = WorkPlan.objects.get(project=project, version=1)
    first_approved = _log(first, WorkPlanStatus.APPROVED).at
    later = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkPlan), target=WorkPlanStatus.APPROVED,
        object_id__in=WorkPlan.objects.filter(project=project).exclude(pk=first.pk).values("pk"),
        at__gt=first_approved).order_by("at").values_list("at", flat=True).first()
    moved = first_approved + ((later - first_approved) / 2 if later else timedelta(seconds=1))
    plan = ProjectPlan.objects.get(project=project, status=RecordStatus.APPROVED)
    TransitionLog.objects.filter(pk=_log(plan, RecordStatus.APPROVED).pk).update(at=moved)
    return Expected("PRJ-2", first)


def progress_on_draft_plan(demo):
    """PRJ-3. Work on a task of the hospital project's work plan, still a draft, written straight into the progress
    table (projects.services.record_progress takes only tasks of the approved baseline)."""
    project = Project.objects.get(contract=_hospital_contract())
    task = Task.objects.filter(work_plan__project=project, work_plan__status=WorkPlanStatus.DRAFT) \
        .order_by("position").first()
    TaskProgress.objects.create(project=project, task_key=task.key, percent_complete=30,
                                state=TaskState.IN_PROGRESS, actual_start=task.planned_start,
                                note="现场已开始调研", recorded_by=demo["member"])
    return Expected("PRJ-3", project, str(task.key))


def added_task_started_before_approval(demo):
    """CHG-1, through the services: the running project's change waiting for approval is sent back, staff add a
    task to the revised plan, the PM checks it and the Service Department manager approves it; then the PM records
    the new task's progress honestly, started five days before the approval."""
    pm, staff, manager = demo["pm"], demo["svc_staff"], demo["svc_manager"]
    project = _running_project()
    change = ChangeRequest.objects.get(project=project, status=ChangeStatus.CHECKED)
    with acting_as(manager):
        workflow.fire(change, "rework", manager, "请补充容灾切换前的数据核对任务")
    with acting_as(staff):
        revision = services.start_revision(change, staff)
        last = revision.tasks.filter(parent__isnull=True).order_by("-planned_end").first()
        task = services.save_task(Task(work_plan=revision, name="容灾切换前数据核对", planned_start=last.planned_start,
                                       planned_end=last.planned_start + timedelta(days=1),
                                       effort_hours=8, assignee=demo["member"]), staff)
    with acting_as(pm):
        workflow.fire(change, "check", pm, "已补充数据核对任务")
    with acting_as(manager):
        workflow.fire(change, "approve", manager, "同意")
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    approved_on = timezone.localtime(change.approved_at, company_zone()).date()
    with acting_as(pm):
        services.record_progress(project, task.key, pm, percent_complete=50, state=TaskState.IN_PROGRESS,
                                 actual_start=approved_on - timedelta(days=5), note="客户要求提前开始核对")
    return Expected("CHG-1", change, str(task.key))
