"""Approvals are told when asked for, not at the next quarter hour: every workflow transition (core writes a
TransitionLog row for each) enqueues a reminder run once its transaction commits. The run is the same idempotent
job the scheduler enqueues, so those who already know are not told again; a run already waiting in the queue
covers the transition, so a burst of transitions (a demo load, an import) enqueues one run, not one each."""

import logging

from django.db import DatabaseError, transaction
from django_tasks_db.models import DBTaskResult

from .tasks import send_reminders_task

logger = logging.getLogger(__name__)


def on_transition(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        transaction.on_commit(enqueue_reminders_once)


def enqueue_reminders_once():
    try:
        if DBTaskResult.objects.ready().filter(task_path=send_reminders_task.module_path).exists():
            return
        send_reminders_task.enqueue()
    except DatabaseError:  # the scheduler's next run tells them; a transition never fails for a reminder
        logger.warning("could not enqueue a reminder run after a transition", exc_info=True)
