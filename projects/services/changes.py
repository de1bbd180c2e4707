"""Changes of the approved work plan (SP-4.4.3): the revised version and its comparison with the baseline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records
from core.permissions import allowed
from org.models import User

from ..choices import ChangeStatus, WorkPlanStatus
from ..models import ChangeRequest, Task, WorkPlan


def latest_version(work_plan):
    return WorkPlan.objects.filter(number=work_plan.number).order_by("-version").first()


def open_change(project):
    return ChangeRequest.objects.filter(project=project, status__in=[ChangeStatus.REQUESTED, ChangeStatus.CHECKED]) \
        .first()


def can_prepare_revision(user, change) -> bool:
    """Staff prepare the revised work plan while the change is requested (the page offers it then)."""
    return change.status == ChangeStatus.REQUESTED and allowed(user, WorkPlan, "change")


def start_revision(change, user):
    """Staff prepare the revised work plan as a new draft version linked to the change request (SP-4.4.3)."""
    if change.status != ChangeStatus.REQUESTED:
        raise ValidationError(_t("The revised plan is prepared while the change is requested."))
    existing = change.revision()
    if existing is not None and existing.is_editable:
        return existing
    with transaction.atomic():
        latest = latest_version(change.baseline)
        if latest.status in (WorkPlanStatus.APPROVED, WorkPlanStatus.REJECTED):
            revision = records.new_version(latest, user,
                                           comment=display.message(gettext_noop("Revision for %(cr)s."),
                                                                   cr=change.number))
        elif latest.is_editable and latest.change_request_id in (None, change.pk):
            revision = latest
        else:
            raise ValidationError(_t("Another revision of this work plan is in progress (%(plan)s).")
                                  % {"plan": latest})
        before = audit.snapshot(revision)
        revision.change_request = change
        revision.change_note = revision.change_note or change.reason[:500]
        records.update(revision, user, before,
                       comment=display.message(gettext_noop("Linked to %(cr)s."), cr=change.number))
    return revision


def baseline_comparison(work_plan) -> dict | None:
    """What a later version changes against the baseline in force; None for the baseline itself, an earlier
    version, or a project without a baseline. The page and the API show this one comparison."""
    baseline = work_plan.project.baseline()
    if baseline is None or baseline.pk == work_plan.pk or work_plan.version < baseline.version:
        return None
    return compare(baseline, work_plan)


# The task facts compared one by one; a move in the tree ("parent") is compared by identity and shown by name.
COMPARED_FACTS = ("name", "start", "end", "assignee", "effort", "milestone")


def compare(baseline, revised) -> dict:
    """Baseline vs revised: tasks added, removed and changed (dates, assignee, effort, name, place in the tree).

    Tasks are matched by identity (`key`), which a task keeps in every version of the plan."""
    old, new = tasks_by_key(baseline), tasks_by_key(revised)
    describe = task_describer([*old.values(), *new.values()])
    added = [describe(new[key]) for key in new if key not in old]
    removed = [describe(old[key]) for key in old if key not in new]
    changes = (task_change(old[key], new[key], describe) for key in new.keys() & old.keys())
    changed = sorted(filter(None, changes), key=lambda change: wbs_order(change["wbs"]))
    return {
        "baseline": {"id": baseline.pk, "version": baseline.version},
        "revised": {"id": revised.pk, "version": revised.version},
        "added": added, "removed": removed, "changed": changed,
        "summary": comparison_summary(old.values(), new.values(), added, removed, changed),
    }


def tasks_by_key(work_plan):
    return {task.key: task for task in work_plan.tasks.all()}


def task_describer(tasks):
    """A function giving a task's facts as JSON values; its parent is named by identity and by WBS and name."""
    by_pk = {task.pk: task for task in tasks}
    assignee_ids = {task.assignee_id for task in tasks if task.assignee_id}
    assignees = {user.pk: str(user) for user in User.objects.filter(pk__in=assignee_ids)}

    def describe(task):
        parent = by_pk.get(task.parent_id)
        return {"wbs": task.wbs, "name": task.name, "start": task.planned_start.isoformat(),
                "end": task.planned_end.isoformat(), "assignee": assignees.get(task.assignee_id, ""),
                "effort": str(task.effort_hours), "parent": str(parent.key) if parent else "",
                "milestone": task.is_milestone, "parent_label": f"{parent.wbs} {parent.name}" if parent else ""}

    return describe


def task_change(old_task, new_task, describe):
    """What changed in one task between the versions, or None when nothing did."""
    before, after = describe(old_task), describe(new_task)
    fields = {fact: [before[fact], after[fact]] for fact in COMPARED_FACTS if before[fact] != after[fact]}
    if before["parent"] != after["parent"]:
        fields["parent"] = [before["parent_label"], after["parent_label"]]
    if not fields:
        return None
    return {"wbs": after["wbs"], "name": after["name"], "fields": fields,
            "shift_days": (new_task.planned_start - old_task.planned_start).days}


def wbs_order(wbs):
    """1.2 before 1.10: WBS codes compared part by part as numbers."""
    return [int(part) if part.isdigit() else 0 for part in wbs.split(".")]


def comparison_summary(old_tasks, new_tasks, added, removed, changed):
    def total_effort(tasks):
        return str(sum((task.effort_hours for task in tasks), start=0))

    def count_changed(*facts):
        return sum(1 for change in changed if any(fact in change["fields"] for fact in facts))

    return {"added": len(added), "removed": len(removed), "changed": len(changed),
            "moved": count_changed("start", "end"), "reassigned": count_changed("assignee"),
            "effort_before": total_effort(old_tasks), "effort_after": total_effort(new_tasks)}


# Keys of the comparison (stable JSON) and the task fields whose labels name them.
COMPARED_FIELDS = {"name": "name", "start": "planned_start", "end": "planned_end", "assignee": "assignee",
                   "effort": "effort_hours", "parent": "parent", "milestone": "is_milestone"}


def compared_label(key):
    return str(Task._meta.get_field(COMPARED_FIELDS[key]).verbose_name).capitalize() if key in COMPARED_FIELDS \
        else key


def comparison_for(change):
    """The frozen comparison of a decided change, else a live one of its revision, else None."""
    if change.comparison:
        return change.comparison
    revision = change.revision()
    if revision is None:
        return None
    return compare(change.baseline, revision)
