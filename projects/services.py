"""Writes and checks of the project stage beyond a single row. Every write goes through core.records (audited)."""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit, records
from core.choices import AuditAction, RecordStatus
from core.permissions import allowed
from core.roles import Role

from . import scheduling
from .choices import ChangeStatus, ProjectKind, ProjectRole, WorkPlanStatus
from .models import (
    ChangeRequest,
    Dependency,
    Project,
    Task,
    TaskProgress,
    TeamMember,
    WorkPlan,
)

SKILL_RANK = {"junior": 1, "intermediate": 2, "senior": 3, "expert": 4}


# ---- contracts: the one place that knows what "signed" means ---------------------------------



def contract_is_signed(contract) -> bool:
    """A project is opened only from a signed contract (SP-4.3.1). The one place that knows what signed means."""
    return contract.is_signed


def signed_contracts():
    from contracts.models import Contract

    return Contract.objects.signed()


# ---- opening a project and appointing its manager ---------------------------------------------

def project_of_contract_chain(contract):
    """The project of an earlier version of this contract (the contract being changed), or None."""
    previous = contract.predecessor
    while previous is not None:
        project = Project.objects.filter(contract=previous).order_by("-created").first()
        if project is not None:
            return project
        previous = previous.predecessor
    return None


def next_project_code(when=None):
    year = (when or timezone.localdate()).year
    prefix = f"PRJ-{year}-"
    last = Project.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def open_project(contract, user, *, name="", category=None, description=""):
    """The Service Department opens a project (立项) from a signed contract, or a project change (SP-4.3.1)."""
    if not contract_is_signed(contract):
        raise ValidationError({"contract": _t("A project is opened only from a signed contract.")})
    if Project.objects.filter(contract=contract).exists():
        raise ValidationError({"contract": _t("This contract already has a project.")})
    changed = project_of_contract_chain(contract)
    project = Project(
        name=name or contract.title, contract=contract, customer=contract.customer,
        kind=ProjectKind.CHANGE if changed else ProjectKind.NEW, changes_project=changed,
        start_date=contract.start_date, end_date=contract.end_date, opened_by=user, description=description,
    )
    if category:
        project.category = category
    with transaction.atomic():
        project.code = next_project_code()
        records.create(project, user, comment=_t("Project change opened.") if changed else _t("Project opened."))
    return project


def appoint_manager(project, manager, user, comment=""):
    """The Service Department appoints the project manager (SP-4.3.2); the PM joins the team as such."""
    if not allowed(user, Project, "appoint"):
        raise PermissionDenied(_t("Only the Service Department appoints the project manager."))
    if Role.PROJECT_MANAGER not in manager.own_roles:
        raise ValidationError({"manager": _t("%(user)s does not hold the project manager role.") % {"user": manager}})
    with transaction.atomic():
        before = audit.snapshot(project)
        project.manager = manager
        project.manager_appointed_by = user
        project.manager_appointed_at = timezone.now()
        records.update(project, user, before, comment=comment or _t("Project manager appointed."))
        membership = TeamMember.objects.filter(project=project, user=manager).first()
        if membership is None:
            records.create(TeamMember(project=project, user=manager, role=ProjectRole.PROJECT_MANAGER, allocation=50,
                                      start_date=project.start_date, end_date=project.end_date), user)
    return project


def can_manage_team(user, project) -> bool:
    """The project's own PM forms the team (SP-4.3.2); the Service Department may too."""
    if not allowed(user, TeamMember, "add"):
        return False
    return project.manager_id == user.pk or user.has_role(Role.SERVICE_MANAGER, Role.SERVICE_STAFF, Role.ADMIN)


def check_team_rights(user, project):
    if not can_manage_team(user, project):
        raise PermissionDenied(_t("Only the project's manager or the Service Department changes its team."))


def save_member(member, user, before=None):
    check_team_rights(user, member.project)
    if before is None:
        return records.create(member, user)
    return records.update(member, user, before)


def remove_member(member, user):
    check_team_rights(user, member.project)
    records.delete(member, user)


# ---- team checks: skills the SLA needs, over-allocation -------------------------------------

def skill_gaps(project, members=None):
    """[(requirement, have, need)] for the contract tier's skill requirements the team does not cover."""
    members = list(members if members is not None else project.team.all())
    user_ids = [m.user_id for m in members]
    from presales.models import StaffSkill  # staff skills are kept with the pre-sales fit check (issue 4)

    held = defaultdict(dict)
    for row in StaffSkill.objects.filter(user_id__in=user_ids):
        held[row.user_id][row.skill.strip().lower()] = SKILL_RANK.get(row.level, 0)
    gaps = []
    for requirement in project.contract.service_tier.skills.all():
        need_rank = SKILL_RANK.get(requirement.level, 0)
        have = sum(1 for uid in set(user_ids) if held[uid].get(requirement.skill.strip().lower(), 0) >= need_rank)
        if have < requirement.headcount:
            gaps.append((requirement, have, requirement.headcount))
    return gaps


def peak_allocation(periods):
    """Highest summed allocation over overlapping periods: (percent, first day, last day) of the peak.

    `periods` are (start, end, percent) with inclusive dates. A sweep over start and end events.
    """
    events = []
    for start, end, percent in periods:
        events.append((start, 1, percent))
        events.append((end + timedelta(days=1), 0, -percent))
    events.sort(key=lambda e: (e[0], e[1]))
    load, best, best_from = 0, 0, None
    for day, _kind, delta in events:
        load += delta
        if load > best:
            best, best_from = load, day
    if best_from is None:
        return 0, None, None
    best_to = max(end for start, end, _p in periods if start <= best_from <= end)
    for start, end, _p in periods:
        if start <= best_from <= end:
            best_to = min(best_to, end)
    return best, best_from, best_to


def over_allocations(project, members=None):
    """[(member, peak %, from, to)] for members whose allocations across all projects exceed 100 %."""
    members = list(members if members is not None else project.team.select_related("user"))
    by_user = defaultdict(list)
    for row in TeamMember.objects.filter(user_id__in=[m.user_id for m in members]).exclude(project__status="closed"):
        by_user[row.user_id].append(row)
    result = []
    for member in members:
        mine = (member.start_date, member.end_date)
        periods = [(r.start_date, r.end_date, r.allocation) for r in by_user[member.user_id]
                   if r.start_date <= mine[1] and mine[0] <= r.end_date]
        peak, start, end = peak_allocation(periods)
        if peak > 100:
            result.append((member, peak, start, end))
    return result


def team_warnings(project):
    """Warnings (not errors) about the team: missing SLA skills and over-allocation."""
    members = list(project.team.select_related("user"))
    warnings = []
    for requirement, have, need in skill_gaps(project, members):
        warnings.append(_t("The SLA needs %(need)s × %(skill)s (%(level)s or better); the team has %(have)s.")
                        % {"need": need, "skill": requirement.skill, "level": requirement.get_level_display(),
                           "have": have})
    for member, peak, start, end in over_allocations(project, members):
        warnings.append(_t("%(user)s is allocated %(peak)s %% across projects from %(start)s to %(end)s.")
                        % {"user": member.user, "peak": peak, "start": start, "end": end})
    return warnings


# ---- child rows of versioned records ---------------------------------------------------------

def copy_rows(old, new, related_names, fk_name):
    """Copy child rows of record version `old` to `new` (called by core.records.new_version), audited."""
    for related_name in related_names:
        for row in getattr(old, related_name).all():
            row.pk = row.id = None
            row._state.adding = True
            setattr(row, fk_name, new)
            row.save(force_insert=True)
            audit.log_create(row, _t("Copied from version %(v)s.") % {"v": old.version})


def ensure_editable(record):
    if not record.is_editable:
        raise ValidationError(_t("%(record)s is %(status)s: it changes only in a draft or returned version.")
                              % {"record": record, "status": record.get_status_display()})


# ---- work plan tasks -------------------------------------------------------------------------

def team_user_ids(project) -> set[int]:
    return set(TeamMember.objects.filter(project_id=project.pk).values_list("user_id", flat=True))


def task_problems(task) -> dict:
    """Server-side checks of one task: same plan as its parent, no loop in the tree, assignee on the team."""
    problems = {}
    if not task.work_plan_id:
        return problems
    plan = task.work_plan
    if not plan.is_editable:
        problems["__all__"] = [_t("%(plan)s is %(status)s: its tasks change only in a draft or returned version.")
                               % {"plan": plan, "status": plan.get_status_display()}]
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
    if not plan.is_editable:
        problems["__all__"] = [_t("%(plan)s is %(status)s: its tasks change only in a draft or returned version.")
                               % {"plan": plan, "status": plan.get_status_display()}]
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
    with transaction.atomic():
        if before is None:
            if not task.position:
                last = Task.objects.filter(work_plan=task.work_plan).order_by("-position").values_list(
                    "position", flat=True).first()
                task.position = (last or 0) + 10
            records.create(task, user)
        else:
            records.update(task, user, before)
        roll_up_parents(task.work_plan, user)
        renumber(task.work_plan)
    return task


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
            records.update(task, user, before, comment=_t("Dates rolled up from the sub-tasks."))


def reschedule(work_plan, task, new_start, user):
    """Move a task to a new start (drag in the Gantt chart); successors follow. Returns the moved tasks."""
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
            records.update(row, user, before, comment=_t("Rescheduled with “%(task)s”.") % {"task": task.name})
        roll_up_parents(work_plan, user)
    moved = Task.objects.filter(work_plan=work_plan, pk__in=[*changed, *{t.parent_id for t in tasks.values()}])
    return list(moved.values("id", "planned_start", "planned_end"))


def copy_tasks(source, new):
    """Copy a version's tasks (same keys) and dependencies to a new version: bulk, one audit entry."""
    old_tasks = list(source.tasks.order_by("position", "pk"))
    copies = []
    for task in old_tasks:
        copies.append(Task(work_plan=new, key=task.key, position=task.position, wbs=task.wbs, name=task.name,
                           deliverable=task.deliverable, assignee_id=task.assignee_id,
                           planned_start=task.planned_start, planned_end=task.planned_end,
                           effort_hours=task.effort_hours, is_milestone=task.is_milestone))
    Task.objects.bulk_create(copies, batch_size=500)
    new_pk = {old.pk: copy.pk for old, copy in zip(old_tasks, copies, strict=True)}
    with_parent = []
    for old, copy in zip(old_tasks, copies, strict=True):
        if old.parent_id:
            copy.parent_id = new_pk[old.parent_id]
            with_parent.append(copy)
    Task.objects.bulk_update(with_parent, ["parent"], batch_size=500)
    links = [Dependency(work_plan=new, predecessor_id=new_pk[d.predecessor_id], successor_id=new_pk[d.successor_id],
                        lag_days=d.lag_days) for d in source.dependencies.all()]
    Dependency.objects.bulk_create(links, batch_size=500)
    audit.record_entry(AuditAction.BULK, new, comment=_t("Tasks copied from version %(v)s.") % {"v": source.version},
                       changes={"tasks": [None, len(copies)], "dependencies": [None, len(links)]})


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
        audit.record_entry(AuditAction.BULK, work_plan, user=user, comment=_t("Tasks imported from XLSX."),
                           changes={"tasks": [removed, len(tasks)], "dependencies": [None, len(links)]})
    return len(tasks)


# ---- progress (never touches the baseline) -----------------------------------------------------

def can_record_progress(user, project) -> bool:
    if not allowed(user, TaskProgress, "change"):
        return False
    if user.has_role(Role.SERVICE_MANAGER, Role.SERVICE_STAFF, Role.ADMIN) or project.manager_id == user.pk:
        return True
    return TeamMember.objects.filter(project=project, user=user).exists()


def record_progress(project, task_key, user, **values):
    """Record % complete, actual dates and status of a baseline task (SP-4.4.2); the baseline is unchanged."""
    if not can_record_progress(user, project):
        raise PermissionDenied(_t("Only the project's manager and team record its progress."))
    baseline = project.baseline()
    if baseline is None or not baseline.tasks.filter(key=task_key).exists():
        raise ValidationError(_t("Progress is recorded against tasks of the approved work plan (the baseline)."))
    with transaction.atomic():
        row = TaskProgress.objects.select_for_update().filter(project=project, task_key=task_key).first()
        if row is None:
            row = TaskProgress(project=project, task_key=task_key, recorded_by=user, **values)
            records.create(row, user)
        else:
            before = audit.snapshot(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.recorded_by = user
            records.update(row, user, before)
    return row


def progress_by_key(project):
    return {p.task_key: p for p in TaskProgress.objects.filter(project=project)}


def project_progress(project, baseline=None) -> float | None:
    """Effort-weighted % complete of the baseline's leaf tasks (equal weights when no effort is given)."""
    baseline = baseline or project.baseline()
    if baseline is None:
        return None
    rows = list(baseline.tasks.filter(children__isnull=True).values_list("key", "effort_hours"))
    if not rows:
        return 0.0
    done = dict(TaskProgress.objects.filter(project=project).values_list("task_key", "percent_complete"))
    total_effort = sum(float(e) for _k, e in rows)
    if total_effort <= 0:
        return round(sum(done.get(k, 0) for k, _e in rows) / len(rows), 1)
    return round(sum(float(e) * done.get(k, 0) for k, e in rows) / total_effort, 1)


# ---- changes: revisions and the baseline comparison ---------------------------------------------

def latest_version(work_plan):
    return WorkPlan.objects.filter(number=work_plan.number).order_by("-version").first()


def open_change(project):
    return ChangeRequest.objects.filter(project=project, status__in=[ChangeStatus.REQUESTED, ChangeStatus.CHECKED]) \
        .first()


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
            revision = records.new_version(latest, user, comment=_t("Revision for %(cr)s.") % {"cr": change.number})
        elif latest.is_editable and latest.change_request_id in (None, change.pk):
            revision = latest
        else:
            raise ValidationError(_t("Another revision of this work plan is in progress (%(plan)s).")
                                  % {"plan": latest})
        before = audit.snapshot(revision)
        revision.change_request = change
        revision.change_note = revision.change_note or change.reason[:500]
        records.update(revision, user, before, comment=_t("Linked to %(cr)s.") % {"cr": change.number})
    return revision


def _task_facts(task, names):
    return {"wbs": task.wbs, "name": task.name, "start": task.planned_start.isoformat(),
            "end": task.planned_end.isoformat(), "assignee": names.get(task.assignee_id, ""),
            "effort": str(task.effort_hours), "parent": None, "milestone": task.is_milestone}


def compare(baseline, revised) -> dict:
    """Baseline vs revised: tasks added, removed and changed (dates, assignee, effort, name, place in the tree)."""
    from org.models import User

    old = {t.key: t for t in baseline.tasks.all()}
    new = {t.key: t for t in revised.tasks.all()}
    user_ids = {t.assignee_id for t in [*old.values(), *new.values()] if t.assignee_id}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    old_parent = {t.pk: t.key for t in old.values()}
    new_parent = {t.pk: t.key for t in new.values()}

    labels = {t.pk: f"{t.wbs} {t.name}" for t in [*old.values(), *new.values()]}

    def facts(task, parents):
        data = _task_facts(task, names)
        data["parent"] = str(parents.get(task.parent_id, "")) if task.parent_id else ""
        data["parent_label"] = labels.get(task.parent_id, "")
        return data

    added = [facts(new[k], new_parent) for k in new if k not in old]
    removed = [facts(old[k], old_parent) for k in old if k not in new]
    changed = []
    for key in new.keys() & old.keys():
        before, after = facts(old[key], old_parent), facts(new[key], new_parent)
        fields = {f: [before[f], after[f]] for f in ("name", "start", "end", "assignee", "effort", "milestone")
                  if before[f] != after[f]}
        if before["parent"] != after["parent"]:  # moved in the tree: compared by identity, shown by WBS and name
            fields["parent"] = [before["parent_label"], after["parent_label"]]
        if fields:
            shift = (new[key].planned_start - old[key].planned_start).days
            changed.append({"wbs": after["wbs"], "name": after["name"], "fields": fields, "shift_days": shift})
    changed.sort(key=lambda c: [int(p) if p.isdigit() else 0 for p in c["wbs"].split(".")])
    return {
        "baseline": {"id": baseline.pk, "version": baseline.version},
        "revised": {"id": revised.pk, "version": revised.version},
        "added": added, "removed": removed, "changed": changed,
        "summary": {"added": len(added), "removed": len(removed), "changed": len(changed),
                    "moved": sum(1 for c in changed if "start" in c["fields"] or "end" in c["fields"]),
                    "reassigned": sum(1 for c in changed if "assignee" in c["fields"]),
                    "effort_before": str(sum((t.effort_hours for t in old.values()), start=0)),
                    "effort_after": str(sum((t.effort_hours for t in new.values()), start=0))},
    }


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


def days_between(a: date, b: date) -> int:
    return (b - a).days


def status_is(record, *statuses) -> bool:
    return record is not None and record.status in statuses


APPROVED_STATES = (RecordStatus.APPROVED,)


def resolve_finding(finding, user, state, resolution=""):
    """Close or accept a review finding; allowed after the review is concluded too (follow-up)."""
    from .models import ReviewFinding

    if not allowed(user, ReviewFinding, "change"):
        raise PermissionDenied(_t("Your role may not do this."))
    before = audit.snapshot(finding)
    finding.state, finding.resolution = state, resolution or finding.resolution
    return records.update(finding, user, before)
