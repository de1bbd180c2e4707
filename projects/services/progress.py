"""Progress against the baseline's tasks (SP-4.4.2): recorded by the PM and the team, never touching the baseline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit, records
from core.permissions import allowed
from core.roles import Role

from ..models import TaskProgress, TeamMember


def can_record_progress(user, project) -> bool:
    if not allowed(user, TaskProgress, "change"):
        return False
    if user.has_role(Role.SERVICE_MANAGER, Role.SERVICE_STAFF, Role.ADMIN) or project.manager_id == user.pk:
        return True
    return TeamMember.objects.filter(project=project, user=user).exists()


def can_record_progress_on(user, work_plan) -> bool:
    """Progress is recorded on the baseline (the approved version in force) only, by the PM and the team."""
    baseline = work_plan.project.baseline()
    return baseline is not None and baseline.pk == work_plan.pk and can_record_progress(user, work_plan.project)


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
