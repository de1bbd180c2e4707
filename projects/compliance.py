"""Process-compliance rules of the project stage (core.compliance): PRJ-1, PRJ-2, PRJ-3, CHG-1.

As in contracts.compliance: a record reached a state at its first logged transition into it, read for all the
records concerned in one grouped query; the rules compare those moments in memory. The one exception is the
change request's approval, whose own log entry is written after the step's effects (core.workflow._apply), the
revised plan's approval among them: its moment is `approved_at`, set by the first effect of that step.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from contracts.choices import SignedStatus
from contracts.compliance import company_zone, moment_text, reached
from contracts.models import Contract
from core import compliance, display
from core.choices import RecordStatus
from core.compliance import Severity, Violation
from core.models import TransitionLog

from .choices import WorkPlanStatus
from .models import ChangeRequest, Project, ProjectPlan, Task, TaskProgress, WorkPlan


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


@compliance.rule(
    "PRJ-1", clause="8.1", severity=Severity.MAJOR, sp="SP-4.3.1",
    title=_("Project opened without a signed contract"),
    explanation=_("The Service Department opens a project (立项) or a project change only after Sales signed the "
                  "contract (procedure 4.3.1). Found: a project opened before the contract version it is opened from "
                  "was signed, or from a version never signed."))
def opened_without_signed_contract(scope):
    projects = scope.narrow(Project.objects.all())
    signed = reached(Contract, SignedStatus.SIGNED, Contract.objects.filter(pk__in=projects.values("contract")))
    for project in projects.select_related("contract").order_by("pk"):
        signed_at = signed.get(project.contract_id)
        if signed_at is not None and signed_at <= project.created:
            continue
        contract = project.contract
        if signed_at is None:
            note = display.message(gettext_noop("Opened on %(opened)s from %(contract)s v%(version)s, which was "
                                                "never signed."),
                                   opened=moment_text(project.created), contract=contract.number,
                                   version=contract.version)
        else:
            note = display.message(gettext_noop("Opened on %(opened)s; %(contract)s v%(version)s was signed only "
                                                "on %(signed)s."),
                                   opened=moment_text(project.created), contract=contract.number,
                                   version=contract.version, signed=moment_text(signed_at))
        yield Violation(project, note, occurred=project.created, related=(contract,))


@compliance.rule(
    "PRJ-2", clause="8.1", severity=Severity.MINOR, sp="SP-4.4.1",
    title=_("Work plan approved before the project plan"),
    explanation=_("The PM breaks the work down into the work plan once the project plan is approved, and the "
                  "Service Department manager approves the work plan after that (procedure 4.4.1). Found: a work plan "
                  "version approved while no project plan of its project had been approved."))
def work_plan_before_project_plan(scope):
    work_plans = scope.narrow(WorkPlan.objects.all(), "project__contract")
    approved = reached(WorkPlan, WorkPlanStatus.APPROVED, work_plans)
    if not approved:
        return
    plans = ProjectPlan.objects.filter(project__in=work_plans.values("project"))
    plan_approved = reached(ProjectPlan, RecordStatus.APPROVED, plans)
    first_plan = {}  # project id: the first approval of any version of its project plan
    for plan_id, project_id in plans.filter(pk__in=list(plan_approved)).values_list("pk", "project_id"):
        moment = plan_approved[plan_id]
        if project_id not in first_plan or moment < first_plan[project_id]:
            first_plan[project_id] = moment
    for work_plan in work_plans.filter(pk__in=list(approved)).order_by("pk"):
        approved_at, plan_at = approved[work_plan.pk], first_plan.get(work_plan.project_id)
        if plan_at is not None and plan_at <= approved_at:
            continue
        if plan_at is None:
            note = display.message(gettext_noop("Version %(version)s was approved on %(approved)s; no project plan "
                                                "of the project is approved."),
                                   version=work_plan.version, approved=moment_text(approved_at))
        else:
            note = display.message(gettext_noop("Version %(version)s was approved on %(approved)s; the project plan "
                                                "only on %(plan)s."),
                                   version=work_plan.version, approved=moment_text(approved_at),
                                   plan=moment_text(plan_at))
        yield Violation(work_plan, note, occurred=approved_at)


def _task_names(keys):
    """{task identity: "WBS name"} from the latest version of the plans holding it."""
    names = {}
    for key, wbs, name in Task.objects.filter(key__in=keys).order_by("work_plan__version", "pk") \
            .values_list("key", "wbs", "name"):
        names[key] = f"{wbs} {name}".strip()
    return names


@compliance.rule(
    "PRJ-3", clause="8.1", severity=Severity.MINOR, sp="SP-4.4.2",
    title=_("Task work recorded outside an approved work plan"),
    explanation=_("With the work plan approved, the PM runs the activities in it (procedure 4.4.2): progress is "
                  "recorded against tasks of the approved work plan. Found: progress of a task that was in no approved "
                  "version of the project's work plan when the progress was first recorded."))
def work_outside_approved_plan(scope):
    plan_approved = TransitionLog.objects.filter(content_type=_content_type(WorkPlan), target=WorkPlanStatus.APPROVED,
                                                 object_id=OuterRef("work_plan_id")).order_by("at").values("at")[:1]
    in_approved_plan = Task.objects.filter(work_plan__project=OuterRef("project"), key=OuterRef("task_key")) \
        .annotate(plan_approved=Subquery(plan_approved)).filter(plan_approved__lte=OuterRef("created"))
    rows = list(scope.narrow(TaskProgress.objects.all(), "project__contract")
                .filter(~Exists(in_approved_plan)).select_related("project").order_by("project", "pk"))
    names = _task_names({row.task_key for row in rows})
    for row in rows:
        note = display.message(gettext_noop("Progress of task %(task)s (%(percent)s %%) recorded on %(recorded)s "
                                            "outside an approved work plan."),
                               task=names.get(row.task_key, row.task_key), percent=row.percent_complete,
                               recorded=moment_text(row.created))
        yield Violation(row.project, note, key=str(row.task_key), occurred=row.created, related=(row,))


@compliance.rule(
    "CHG-1", clause="8.5.1", severity=Severity.MAJOR, sp="SP-4.4.3",
    title=_("Change implemented before its approval"),
    explanation=_("A change of the work plan takes effect only once the Service Department manager approved it "
                  "(procedure 4.4.3). Found: the revised work plan approved (the new baseline) before its change "
                  "request was, or a task the change added was started before the change was approved."))
def implemented_before_approval(scope):
    changes = scope.narrow(ChangeRequest.objects.all(), "project__contract")
    revisions = WorkPlan.objects.filter(change_request__in=changes.values("pk"))
    revision_approved = reached(WorkPlan, WorkPlanStatus.APPROVED, revisions)
    approved_revisions = list(revisions.filter(pk__in=list(revision_approved))
                              .values_list("pk", "version", "change_request_id"))
    by_change = {cr.pk: cr for cr in changes.filter(pk__in={cr_id for _pk, _v, cr_id in approved_revisions})}
    for revision_id, version, change_id in sorted(approved_revisions):
        change, took_effect = by_change[change_id], revision_approved[revision_id]
        if change.approved_at is not None and change.approved_at <= took_effect:
            continue
        note = display.message(gettext_noop("The revised work plan (version %(version)s) became the baseline on "
                                            "%(effect)s, before the change was approved."),
                               version=version, effect=moment_text(took_effect))
        yield Violation(change, note, key=f"v{version}", occurred=took_effect)
    yield from _added_tasks_started_early(changes.filter(approved_at__isnull=False))


def _added_tasks_started_early(approved_changes):
    """Tasks a change added (in its revised plan, not in its baseline) whose actual start is before the day the
    change was approved (in the company's zone)."""
    changes = {cr.pk: cr for cr in approved_changes.select_related("project")}
    if not changes:
        return
    revised = defaultdict(set)  # change id: task identities of its revised plans
    for change_id, key in Task.objects.filter(work_plan__change_request__in=list(changes)) \
            .values_list("work_plan__change_request_id", "key"):
        revised[change_id].add(key)
    baseline = defaultdict(set)  # work plan id: task identities
    for plan_id, key in Task.objects.filter(work_plan__in={cr.baseline_id for cr in changes.values()}) \
            .values_list("work_plan_id", "key"):
        baseline[plan_id].add(key)
    added = {(cr.project_id, key): cr for cr in changes.values() for key in revised[cr.pk] - baseline[cr.baseline_id]}
    if not added:
        return
    started = TaskProgress.objects.filter(project__in={project for project, _key in added},
                                          task_key__in={key for _project, key in added},
                                          actual_start__isnull=False).order_by("pk")
    names = None
    for row in started:
        change = added.get((row.project_id, row.task_key))
        if change is None:
            continue
        approved_on = timezone.localtime(change.approved_at, company_zone()).date()
        if row.actual_start >= approved_on:
            continue
        names = names if names is not None else _task_names({key for _project, key in added})
        note = display.message(gettext_noop("Task %(task)s, added by the change, started on %(start)s; the change "
                                            "was approved on %(approved)s."),
                               task=names.get(row.task_key, row.task_key), start=row.actual_start,
                               approved=approved_on)
        yield Violation(change, note, key=str(row.task_key), occurred=row.actual_start, related=(row,))
