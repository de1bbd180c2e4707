"""The closure checklist's built-in sources (SP-4.5.2): the project's own open work, read from its state.

Registered in ClosureConfig.ready() in this order: the baseline's tasks, the change requests, the meeting actions
about the project, the last report the customer agreed to receive, and the project's records not yet approved.
Each item links to the exact page that settles it; a settled item is listed too (done), so the list shows what
was checked. The closure stage's own steps (summary report, internal review, acceptance) register their items
from their own modules.
"""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.models import RecordIndex
from core.registry import registry
from projects.choices import ChangeStatus, ReportPeriod, TaskState
from projects.models import ChangeRequest, TaskProgress
from reporting.choices import ActionStatus, ReportStatus
from reporting.models import ActionItem, MonthlyServiceReport, profile_for

from .checklist import Item, register

# ---- project closure ----

DECIDED_CHANGES = (ChangeStatus.APPROVED, ChangeStatus.REJECTED)


@register
def baseline_tasks(project):
    """Every task of the baseline work plan done, or cancelled with the reason recorded."""
    group = _t("Work plan tasks")
    baseline = project.baseline()
    if baseline is None:
        yield Item("tasks:no-baseline", _t("The project has no approved work plan (baseline) to check its tasks "
                                           "against."), reverse("projects:workplan_add") + f"?project={project.pk}",
                   group=group)
        return
    progress = {p.task_key: p for p in TaskProgress.objects.filter(project=project)}
    url = baseline.get_absolute_url() + "#tasks"
    for task in baseline.tasks.filter(children__isnull=True).order_by("position", "pk"):
        row = progress.get(task.key)
        state = row.state if row is not None else TaskState.NOT_STARTED
        what = f"{task.wbs} {task.name}".strip()
        if state == TaskState.DONE:
            label, done = _t("Task %(task)s is done.") % {"task": what}, True
        elif state == TaskState.CANCELLED and row.note.strip():
            label, done = _t("Task %(task)s is cancelled: %(reason)s") % {"task": what, "reason": row.note}, True
        elif state == TaskState.CANCELLED:
            label, done = _t("Task %(task)s is cancelled without a reason.") % {"task": what}, False
        else:
            label, done = _t("Task %(task)s is %(state)s.") % {"task": what,
                                                               "state": str(TaskState(state).label).lower()}, False
        yield Item(f"task:{task.key}", label, url, done=done, group=group)


@register
def change_requests(project):
    """Every change request of the project decided (approved or rejected); a draft is open too."""
    group = _t("Change requests")
    for change in ChangeRequest.objects.filter(project=project, successor__isnull=True).order_by("number"):
        done = change.status in DECIDED_CHANGES
        yield Item(f"change:{change.number}", _t("Change request %(record)s: %(state)s.")
                   % {"record": f"{change.number} v{change.version} {change.title}",
                      "state": change.get_status_display()},
                   change.get_absolute_url(), done=done, group=group)


@register
def meeting_actions(project):
    """The quality meetings' actions about the project (of the minutes in force), closed or cancelled."""
    group = _t("Meeting actions")
    actions = ActionItem.objects.filter(project=project, minutes__successor__isnull=True) \
        .select_related("minutes", "owner").order_by("due_date", "pk")
    for action in actions:
        done = action.status != ActionStatus.OPEN
        yield Item(f"action:{action.pk}", _t("Action “%(action)s” (%(owner)s, %(minutes)s): %(state)s.")
                   % {"action": action.description, "owner": action.owner, "minutes": action.minutes.number,
                      "state": action.get_status_display()},
                   reverse("reporting:actionitem_detail", args=[action.pk]), done=done, group=group)


def last_report_month(contract, period):
    """The last month the contract's report profile owes a report for: the contract's last month, or for a
    quarterly profile the last quarter's end within the contract."""
    year, month = contract.end_date.year, contract.end_date.month
    while period == ReportPeriod.QUARTERLY and month % 3:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return year, month


@register
def last_report(project):
    """The last report the customer agreed to receive (per the approved report profile) is issued."""
    from core.choices import RecordStatus

    group = _t("Service reports")
    contract = project.contract
    profile = profile_for(contract)
    if profile is None or profile.status != RecordStatus.APPROVED:
        url = profile.get_absolute_url() if profile is not None else \
            reverse("reporting:reportprofile_add") + f"?contract={contract.pk}"
        yield Item("report:profile", _t("No report profile is agreed for contract %(contract)s, so the last report "
                                        "owed is unknown.") % {"contract": contract.number}, url, group=group)
        return
    year, month = last_report_month(contract, profile.report_period)
    if date(year, month, 1) < contract.start_date.replace(day=1):
        return  # a contract shorter than one reporting period owes no periodic report
    period = f"{year}-{month:02d}"
    report = MonthlyServiceReport.objects.filter(contract__number=contract.number, year=year, month=month) \
        .order_by("-version").first()
    if report is None:
        yield Item(f"report:{period}", _t("The last service report (%(period)s) is not written yet.")
                   % {"period": period},
                   reverse("reporting:monthlyservicereport_add") + "?" + urlencode(
                       {"contract": contract.pk, "year": year, "month": month}), group=group)
        return
    done = report.status == ReportStatus.ISSUED
    label = _t("The last service report %(record)s (%(period)s) is issued.") if done else \
        _t("The last service report %(record)s (%(period)s) is not issued yet: %(state)s.")
    yield Item(f"report:{period}", label % {"record": report.number, "period": period,
                                            "state": report.get_status_display()},
               report.get_absolute_url(), done=done, group=group)


def settled_state(record_type, status):
    """A record is archived when approved (its workflow's frozen states), superseded, or in a final state."""
    workflow = record_type.workflow
    if status in workflow.frozen_states or status == "superseded":
        return True
    return not any(status in t.sources for t in workflow.transitions)


# Checked by their own items (change requests above; the closure itself is what is being decided).
OWN_ITEMS = ("change_request", "project_closure")


@register
def records_archived(project):
    """Every controlled record of the project approved (or superseded, or final): no draft, review or return left."""
    group = _t("Project records")
    rows = RecordIndex.objects.filter(project_ref=project.pk, is_latest=True).exclude(record_type__in=OWN_ITEMS) \
        .order_by("record_type", "number")
    archived = 0
    for row in rows:
        record_type = registry.get(row.record_type)
        if record_type is None or record_type.workflow is None:
            continue
        if settled_state(record_type, row.status):
            archived += 1
            continue
        try:
            state = str(record_type.workflow.states(row.status).label)
        except ValueError:
            state = row.status
        yield Item(f"record:{row.record_type}:{row.number}",
                   _t("%(type)s %(record)s is not approved: %(state)s.")
                   % {"type": record_type.label, "record": f"{row.number} v{row.version} {row.title}",
                      "state": state}, row.url, group=group)
    if archived:
        yield Item("records:archived", _t("%(count)s records of the project are approved and archived.")
                   % {"count": archived}, reverse("core:register") + "?" + urlencode({"project": project.code}),
                   done=True, group=group)
