"""Work plan tasks and dependencies (SP-4.4.1): checks, WBS numbering, roll-up, rescheduling, copying a version
and replacing a draft's tasks from an XLSX import. Every write goes through core.records (audited)."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records
from core.choices import AuditAction
from core.permissions import allowed
from core.rows import ensure_editable

from .. import scheduling
from ..models import Dependency, Task
from .project import team_user_ids


def task_problems(task) -> dict:
    """Server-side checks of one task (a frozen plan is refused by ChildRow): same plan as its parent, no loop
    in the tree, assignee on the team."""
    problems = {}
    if not task.work_plan_id:
        return problems
    plan = task.work_plan
    if task.parent_id:
        if task.parent.work_plan_id != task.work_plan_id:
            problems["parent"] = [_t("The parent task is in another plan.")]
        elif task.pk:
            ancestor, seen = task.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == task.pk:
                    problems["parent"] = [_t("A task cannot be under itself or its own sub-tasks.")]
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
    if task.assignee_id and task.assignee_id not in team_user_ids(plan.project):
        problems["assignee"] = [_t("%(user)s is not on the project team; only team members are assigned tasks.")
                                % {"user": task.assignee}]
    return problems


def plan_links(work_plan, exclude=None):
    rows = Dependency.objects.filter(work_plan=work_plan)
    if exclude is not None and exclude.pk:
        rows = rows.exclude(pk=exclude.pk)
    return [scheduling.Link(p, s, lag) for p, s, lag in rows.values_list("predecessor_id", "successor_id", "lag_days")]


def dependency_problems(dependency) -> dict:
    problems = {}
    if not dependency.work_plan_id or not dependency.predecessor_id or not dependency.successor_id:
        return problems
    plan = dependency.work_plan
    if dependency.predecessor.work_plan_id != plan.pk or dependency.successor.work_plan_id != plan.pk:
        problems["successor"] = [_t("Both tasks must be in this plan.")]
    elif scheduling.would_create_cycle(plan_links(plan, exclude=dependency), dependency.predecessor_id,
                                       dependency.successor_id):
        problems["predecessor"] = [_t("“%(a)s” → “%(b)s” would make a dependency loop.")
                                   % {"a": dependency.predecessor, "b": dependency.successor}]
    return problems


def plan_problems(work_plan) -> list[str]:
    """Everything that stops a work plan from being submitted (checked again at submission)."""
    problems = []
    tasks = list(work_plan.tasks.select_related("assignee"))
    if not tasks:
        problems.append(_t("The work plan has no tasks."))
    team = team_user_ids(work_plan.project)
    outsiders = sorted({str(t.assignee) for t in tasks if t.assignee_id and t.assignee_id not in team})
    if outsiders:
        problems.append(_t("Not on the project team: %(users)s.") % {"users": ", ".join(outsiders)})
    cycle = scheduling.find_cycle([t.pk for t in tasks], plan_links(work_plan))
    if cycle:
        names = {t.pk: t.name for t in tasks}
        problems.append(_t("Dependency loop: %(loop)s.") % {"loop": " → ".join(names.get(k, str(k)) for k in cycle)})
    late = scheduling.violations(schedule_of(tasks), plan_links(work_plan))
    if late:
        problems.append(_t("%(n)s dependencies are not respected by the dates.") % {"n": len(late)})
    return problems


def schedule_of(tasks):
    return {t.pk: scheduling.Span(t.planned_start, t.planned_end) for t in tasks}


def renumber(work_plan):
    """Recompute WBS codes (1, 1.1, 1.2, 2 ...) from the tree and positions; one UPDATE per changed code."""
    tasks = list(work_plan.tasks.only("pk", "parent_id", "position", "wbs").order_by("position", "pk"))
    children = defaultdict(list)
    for t in tasks:
        children[t.parent_id].append(t)
    changed = []

    def walk(parent_id, prefix):
        for index, task in enumerate(children.get(parent_id, []), start=1):
            code = f"{prefix}{index}"
            if task.wbs != code:
                task.wbs = code
                changed.append(task)
            walk(task.pk, f"{code}.")

    walk(None, "")
    Task.objects.bulk_update(changed, ["wbs"], batch_size=500)
    return len(changed)


def save_task(task, user, before=None):
    """Create or change a task (page form, inline row, API alike). When its dates changed, its successors
    follow (`cascade`); summary tasks then span their sub-tasks again. Returns the task; `task.cascaded`
    holds the tasks moved with it."""
    with transaction.atomic():
        if before is None:
            if not task.position:
                last = Task.objects.filter(work_plan=task.work_plan).order_by("-position").values_list(
                    "position", flat=True).first()
                task.position = (last or 0) + 10
            records.create(task, user)
            task.cascaded = []
        else:
            records.update(task, user, before)
            dates_changed = (str(task.planned_start), str(task.planned_end)) != (
                str(before.get("planned_start")), str(before.get("planned_end")))
            task.cascaded = cascade(task.work_plan, task, user) if dates_changed else []
        roll_up_parents(task.work_plan, user)
        renumber(task.work_plan)
    return task


def cascade(work_plan, task, user):
    """Push the successors of a task whose dates were just saved, as far as the links require (the task
    itself keeps the dates it was given). Returns the moved successors. Every move is audited."""
    tasks = {t.pk: t for t in work_plan.tasks.all()}
    try:
        changed = scheduling.propagate(schedule_of(tasks.values()), plan_links(work_plan),
                                       {task.pk: task.planned_start}, respect_predecessors=False)
    except scheduling.CycleError as exc:
        raise ValidationError(_t("The plan has a dependency loop; fix it first.")) from exc
    moved = []
    for pk, span in changed.items():
        if pk == task.pk:
            continue
        row = tasks[pk]
        before = audit.snapshot(row)
        row.planned_start, row.planned_end = span.start, span.end
        records.update(row, user, before, comment=display.message(
            gettext_noop("Rescheduled with “%(task)s”."), task=task.name))
        moved.append(row)
    if moved:
        roll_up_parents(work_plan, user)
    return moved


def save_dependency(link, user, before=None):
    """Create or change a finish-to-start link (page and API alike); a link the dates do not yet respect moves
    the successor and its own successors. Returns the tasks moved."""
    with transaction.atomic():
        if before is None:
            records.create(link, user)
        else:
            records.update(link, user, before)
        return cascade(link.work_plan, link.predecessor, user)


def critical_tasks(tasks, links):
    """(critical task ids, critical (predecessor, successor) id pairs) of a plan's tasks and Dependency rows.
    Summary tasks are left out: their dates follow their sub-tasks, which carry the path."""
    parents = {t.parent_id for t in tasks if t.parent_id}
    leaves = [t for t in tasks if t.pk not in parents]
    try:
        return scheduling.critical_path(schedule_of(leaves), [scheduling.Link(d.predecessor_id, d.successor_id,
                                                                              d.lag_days) for d in links])
    except scheduling.CycleError:
        return set(), set()


def delete_task(task, user):
    with transaction.atomic():
        plan = task.work_plan
        ensure_editable(plan)
        for link in Dependency.objects.filter(Q(predecessor=task) | Q(successor=task)):
            records.delete(link, user)
        for child in list(task.children.all()):
            delete_task(child, user)
        records.delete(task, user)
        renumber(plan)


def roll_up_parents(work_plan, user):
    """Summary tasks span their sub-tasks; rewrite those whose dates changed (audited)."""
    tasks = {t.pk: t for t in work_plan.tasks.all()}
    spans = scheduling.rollup(schedule_of(tasks.values()), {pk: t.parent_id for pk, t in tasks.items()})
    for pk, span in spans.items():
        task = tasks[pk]
        if (task.planned_start, task.planned_end) != (span.start, span.end):
            before = audit.snapshot(task)
            task.planned_start, task.planned_end = span.start, span.end
            records.update(task, user, before,
                           comment=display.message(gettext_noop("Dates rolled up from the sub-tasks.")))


def reschedule(work_plan, task, new_start, user):
    """Move a task to a new start (drag in the Gantt chart); successors follow. Returns the moved tasks."""
    if not allowed(user, Task, "change"):
        raise PermissionDenied(_t("Your role may not do this."))
    ensure_editable(work_plan)
    with transaction.atomic():
        tasks = {t.pk: t for t in work_plan.tasks.all()}
        if task.pk not in tasks:
            raise ValidationError(_t("The task is not in this plan."))
        if tasks[task.pk].children.exists():
            raise ValidationError(_t("A summary task moves with its sub-tasks: move those instead."))
        try:
            changed = scheduling.propagate(schedule_of(tasks.values()), plan_links(work_plan), {task.pk: new_start})
        except scheduling.CycleError as exc:
            raise ValidationError(_t("The plan has a dependency loop; fix it first.")) from exc
        for pk, span in changed.items():
            row = tasks[pk]
            before = audit.snapshot(row)
            row.planned_start, row.planned_end = span.start, span.end
            records.update(row, user, before,
                           comment=display.message(
            gettext_noop("Rescheduled with “%(task)s”."), task=task.name))
        roll_up_parents(work_plan, user)
    moved = Task.objects.filter(work_plan=work_plan, pk__in=[*changed, *{t.parent_id for t in tasks.values()}])
    return list(moved.values("id", "planned_start", "planned_end"))


def import_tasks(work_plan, rows, user):
    """Replace a draft's tasks with imported rows (dicts from projects.xlsx.read_tasks), one transaction.

    Rows carry `ref` (their WBS or row id), `parent_ref`, `predecessors` [(ref, lag)], dates, effort,
    assignee (a user) and `key` when the row came from an export of this plan (identity kept).
    """
    ensure_editable(work_plan)
    if not allowed(user, Task, "add") or not allowed(user, Task, "delete"):
        raise PermissionDenied(_t("Your role may not do this."))
    team = team_user_ids(work_plan.project)
    errors = []
    for row in rows:
        if row["assignee"] is not None and row["assignee"].pk not in team:
            errors.append(_t("Row %(n)s: %(user)s is not on the project team.") % {"n": row["line"],
                                                                                     "user": row["assignee"]})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        removed = work_plan.tasks.count()
        Dependency.objects.filter(work_plan=work_plan).delete()
        work_plan.tasks.all().delete()
        tasks = []
        for index, row in enumerate(rows, start=1):
            task = Task(work_plan=work_plan, position=index * 10, name=row["name"], deliverable=row["deliverable"],
                        assignee=row["assignee"], planned_start=row["start"], planned_end=row["end"],
                        effort_hours=row["effort"], is_milestone=row["milestone"])
            if row.get("key"):
                task.key = row["key"]
            tasks.append(task)
        Task.objects.bulk_create(tasks, batch_size=500)
        by_ref = {row["ref"]: task for row, task in zip(rows, tasks, strict=True)}
        with_parent = []
        for row, task in zip(rows, tasks, strict=True):
            if row["parent_ref"]:
                parent = by_ref.get(row["parent_ref"])
                if parent is None:
                    raise ValidationError(_t("Row %(n)s: unknown parent “%(ref)s”.") % {"n": row["line"],
                                                                                         "ref": row["parent_ref"]})
                task.parent = parent
                with_parent.append(task)
        Task.objects.bulk_update(with_parent, ["parent"], batch_size=500)
        links = []
        for row, task in zip(rows, tasks, strict=True):
            for ref, lag in row["predecessors"]:
                predecessor = by_ref.get(ref)
                if predecessor is None:
                    raise ValidationError(_t("Row %(n)s: unknown predecessor “%(ref)s”.") % {"n": row["line"],
                                                                                              "ref": ref})
                links.append(Dependency(work_plan=work_plan, predecessor=predecessor, successor=task, lag_days=lag))
        cycle = scheduling.find_cycle([t.pk for t in tasks],
                                      [scheduling.Link(d.predecessor.pk, d.successor.pk) for d in links])
        if cycle:
            raise ValidationError(_t("The imported dependencies make a loop."))
        if scheduling.parent_cycle({t.pk: t.parent_id for t in tasks}):
            raise ValidationError(_t("The imported task tree has a loop."))
        Dependency.objects.bulk_create(links, batch_size=500)
        renumber(work_plan)
        audit.record_entry(AuditAction.BULK, work_plan, user=user,
                           comment=display.message(gettext_noop("Tasks imported from XLSX.")),
                           changes={"tasks": [removed, len(tasks)], "dependencies": [None, len(links)]})
    return len(tasks)
