"""The periodic jobs: each app registers a task and the setting holding its crontab (from its AppConfig.ready);
the scheduler (`manage.py run_scheduler`, notifications.scheduler) enqueues every registered job on its cron.

    schedule.register(connector_tick_task, "SERVPLAN_CONNECTOR_CRON")

Exactly once across schedulers: a deployment may run a scheduler on every host (none is special, any may die).
Each firing is claimed first, one row per (job, scheduled instant) under a unique constraint (`PeriodicFiring`):
the scheduler whose insert wins enqueues the job; the others see the claim and skip that instant.
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

logger = logging.getLogger(__name__)

_jobs = {}  # task name -> (task, setting name), in registration order

KEEP_FIRINGS = timedelta(days=7)  # claims older than this are deleted (a firing is never claimed that late)


def register(task, setting: str) -> None:
    _jobs[task.name] = (task, setting)


def jobs() -> list:
    """(task, crontab) pairs, the crontab read from its setting now (tests and deployments change it)."""
    return [(task, getattr(settings, setting)) for task, setting in _jobs.values()]


def scheduler_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim(name: str, instant, by: str = "") -> bool:
    """Claim the firing of job `name` scheduled at `instant` (aware datetime); False when another scheduler has."""
    from .models import PeriodicFiring

    try:
        with transaction.atomic():
            PeriodicFiring.objects.create(job=name, scheduled_for=instant, claimed_by=by or scheduler_id())
    except IntegrityError:
        return False
    PeriodicFiring.objects.filter(job=name, scheduled_for__lt=instant - KEEP_FIRINGS).delete()
    return True


def fire_once(task, instant, by: str = ""):
    """Enqueue `task` for its firing at `instant` unless another scheduler claimed that firing; the task result,
    or None when skipped. A failed enqueue gives the claim back, so another scheduler (or a retry) may fire it."""
    from .models import PeriodicFiring

    if not claim(task.name, instant, by):
        logger.info("%s at %s: fired by another scheduler", task.name, instant.isoformat())
        return None
    try:
        result = task.enqueue()
    except Exception:
        PeriodicFiring.objects.filter(job=task.name, scheduled_for=instant).delete()
        raise
    PeriodicFiring.objects.filter(job=task.name, scheduled_for=instant).update(task_id=str(result.id)[:64])
    return result
