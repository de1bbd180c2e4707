"""The id of the request that enqueued a task, on every log line the task writes, in whichever worker runs it.

A task's arguments are its own, so the id travels beside them: when a task is enqueued from a request (or from a
task that carries one), `task_enqueued` stores (task id, request id) in `core.TaskOrigin`; when a worker starts it,
`task_started` binds the request id, the task's name and its id to the worker's log lines (core.logs); when it
finishes, `task_finished` unbinds them and forgets the row. Django-tasks sends the three signals for every backend
(the database's worker, RQ's, the inline one), from the thread that runs the task.
"""

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from .. import logs

logger = logging.getLogger(__name__)

# Rows of tasks never run (deleted from the queue) are forgotten after this long.
FORGOTTEN_AFTER = timedelta(days=7)

_running = threading.local()  # task id -> the token that puts the log fields back after the task


def enqueuing_request_id() -> str:
    """The request (or the task carrying one) this code runs for; "" outside both."""
    return logs.bound().get("request_id") or ""


def remember(sender, task_result, **kwargs):
    from ..models import TaskOrigin

    request_id = enqueuing_request_id()
    if request_id:  # one insert, in the enqueuing transaction: a task rolled back takes its row with it
        TaskOrigin.objects.create(task_id=str(task_result.id), request_id=request_id, enqueued_at=timezone.now())


def started(sender, task_result, **kwargs):
    from ..models import TaskOrigin

    origin = TaskOrigin.objects.filter(task_id=str(task_result.id)).values_list("request_id", flat=True).first()
    tokens = getattr(_running, "tokens", None)
    if tokens is None:
        tokens = _running.tokens = {}
    tokens[str(task_result.id)] = logs.bind(request_id=origin or enqueuing_request_id() or None,
                                            task=task_result.task.module_path, task_id=str(task_result.id))


def finished(sender, task_result, **kwargs):
    from ..models import TaskOrigin

    token = getattr(_running, "tokens", {}).pop(str(task_result.id), None)
    if token is not None:
        logs.unbind(token)
    try:
        TaskOrigin.objects.filter(Q(task_id=str(task_result.id))
                                  | Q(enqueued_at__lt=timezone.now() - FORGOTTEN_AFTER)).delete()
    except DatabaseError:
        logger.warning("task %s: could not forget its request id", task_result.id, exc_info=True)


def connect():
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(remember, dispatch_uid="servplan.taskcontext.remember")
    task_started.connect(started, dispatch_uid="servplan.taskcontext.started")
    task_finished.connect(finished, dispatch_uid="servplan.taskcontext.finished")
