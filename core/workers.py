"""Background workers that die are noticed: heartbeats, leases and the sweep.

Background work runs through Django's Tasks API on the ORM backend (django-tasks-db): a worker claims a task
row (RUNNING) and runs it. A worker killed in the middle (SIGKILL, out of memory, a power cut) never touches
the row again, so on its own the row stays RUNNING for ever and its job shows a progress bar that never moves.

Every worker (`manage.py db_worker`, core's, which shadows the backend's) keeps a `TaskWorker` row and beats it
every SERVPLAN_JOB_HEARTBEAT_SECONDS from a thread of its own. A RUNNING task whose worker has not beaten for
SERVPLAN_JOB_LEASE_SECONDS is abandoned. `sweep()`, which every worker runs when it starts and at every beat
(and the supervisor as soon as its child dies), puts an abandoned task back in the queue to run again from the
start, or after SERVPLAN_JOB_MAX_ATTEMPTS attempts fails it with `WorkerLost` and sends django-tasks'
`task_finished`, so the app that owns the task tells its user (servicedata fails the import job with a message).

Running a task again from the start is right only for a task that is idempotent: a ticket import is (rows are
keyed by external id and content digest). A worker that finds its own row swept (it stalled past its lease)
stops at once rather than finish a task that may be running elsewhere by then.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.models import DBTaskResult

from .choices import TaskState
from .models import TaskWorker

logger = logging.getLogger(__name__)

EXIT_LEASE_LOST = 75  # a worker whose lease was taken stops with this code (the supervisor starts a new one)


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it, as many times as a task may be attempted."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def lease() -> timedelta:
    return timedelta(seconds=settings.SERVPLAN_JOB_LEASE_SECONDS)


def live_workers(now=None):
    """Workers whose heartbeat is within the lease."""
    return TaskWorker.objects.filter(heartbeat_at__gte=(now or timezone.now()) - lease())


def register(worker_id):
    now = timezone.now()
    TaskWorker.objects.update_or_create(worker_id=worker_id, defaults={
        "host": socket.gethostname()[:200], "pid": os.getpid(), "started_at": now, "heartbeat_at": now})


def beat(worker_id) -> bool:
    """Renew the worker's lease. False when its row is gone: it was swept as dead and must stop."""
    return TaskWorker.objects.filter(pk=worker_id).update(heartbeat_at=timezone.now()) == 1


def unregister(worker_id):
    TaskWorker.objects.filter(pk=worker_id).delete()


def _last_worker(task):
    return task.worker_ids[-1] if task.worker_ids else None


def abandoned(now=None, dead=()):
    """RUNNING tasks whose worker is gone: known to be dead, or silent for longer than the lease."""
    now = now or timezone.now()
    cutoff = now - lease()
    live = set(live_workers(now).exclude(pk__in=dead).values_list("pk", flat=True))
    return [task for task in DBTaskResult.objects.running()
            if _last_worker(task) not in live
            and (_last_worker(task) in dead or task.started_at is None or task.started_at < cutoff)]


@dataclass
class SweepResult:
    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def sweep(now=None, dead=()) -> SweepResult:
    """Resolve every abandoned task (again from the start, or failed), then forget the workers that are gone."""
    now = now or timezone.now()
    result = SweepResult()
    for task in abandoned(now, dead):
        outcome = _resolve(task.pk, _last_worker(task), now)
        if outcome is not None:
            getattr(result, outcome).append(str(task.pk))
    TaskWorker.objects.filter(Q(heartbeat_at__lt=now - lease()) | Q(pk__in=dead)).delete()
    return result


def release(worker_id) -> SweepResult:
    """A worker known to be dead (its supervisor saw it exit): resolve its tasks now, without waiting for the lease."""
    return sweep(dead={worker_id})


def _resolve(pk, worker_id, now):
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(pk=pk, status=TaskResultStatus.RUNNING).first()
        if task is None or _last_worker(task) != worker_id:
            return None  # finished, or claimed again, since it was read
        attempts = len(task.worker_ids)
        if attempts < settings.SERVPLAN_JOB_MAX_ATTEMPTS:
            task.status = TaskResultStatus.READY
            task.save(update_fields=["status"])
            logger.warning("task %s (%s): worker %s stopped in attempt %s; queued to run again from the start",
                           task.pk, task.task_path, worker_id, attempts)
            return "requeued"
        task.status = TaskResultStatus.FAILED
        task.finished_at = now
        task.return_value = None
        task.exception_class_path = WORKER_LOST
        task.traceback = (f"{WORKER_LOST}: worker {worker_id} stopped without finishing the task, in attempt "
                          f"{attempts} of {settings.SERVPLAN_JOB_MAX_ATTEMPTS}\n")
        task.save(update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"])
    logger.error("task %s (%s): worker %s stopped in attempt %s, the last; failed", task.pk, task.task_path,
                 worker_id, attempts)
    _announce_finished(task)
    return "failed"


def _announce_finished(task):
    """django-tasks' own signal, as a worker sends it for a task that failed: the task's app tells its user."""
    try:
        task_result = task.task_result
        backend = type(task_result.task.get_backend())
    except (ImportError, SuspiciousOperation):
        logger.exception("task %s: its function is gone; nobody told", task.pk)
        return
    for receiver, response in task_finished.send_robust(sender=backend, task_result=task_result):
        if isinstance(response, Exception):
            logger.error("task %s: %r failed on its end", task.pk, receiver, exc_info=response)


def task_state(task_id) -> str:
    """Where a task stands with the workers (a TaskState), for the pages that show its job; "" if unknown
    (no task, or a backend that is not the database)."""
    if not task_id:
        return ""
    try:
        task = DBTaskResult.objects.only("status", "worker_ids").get(pk=task_id)
    except (DBTaskResult.DoesNotExist, ValidationError, ValueError):
        return ""
    if task.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
        return TaskState.FINISHED
    if task.status == TaskResultStatus.RUNNING:
        return TaskState.RUNNING if live_workers().filter(pk=_last_worker(task)).exists() else TaskState.LOST
    if task.worker_ids:
        return TaskState.RETRYING
    return TaskState.QUEUED if live_workers().exists() else TaskState.NO_WORKER


@dataclass
class Health:
    """What to monitor: live workers, abandoned tasks (should be 0 after a sweep) and the queue's age."""

    workers: int
    running: int
    abandoned: int
    queued: int
    oldest_queued_seconds: float | None

    @property
    def ok(self):
        return not self.abandoned and (self.workers > 0 or not self.queued)


def health(now=None) -> Health:
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return Health(workers=live_workers(now).count(), running=DBTaskResult.objects.running().count(),
                  abandoned=len(abandoned(now)), queued=ready.count(),
                  oldest_queued_seconds=(now - oldest).total_seconds() if oldest else None)


# ---- what /healthz and /metrics read (core.ops): the same figures whichever backend runs the tasks -----------------

def backend_kind(backend=None) -> str:
    """"database" (django-tasks-db: workers hold leases here), "rq" (django-tasks-rq), "inline" (a backend that runs
    a task when it is enqueued, or never: no worker to watch), else the backend's class path."""
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    backend = backend or _default_backend()
    if isinstance(backend, DatabaseBackend):
        return "database"
    if isinstance(backend, ImmediateBackend | DummyBackend):
        return "inline"
    module = type(backend).__module__
    if module.startswith(("django_tasks_rq", "core.rq_backend")):
        return "rq"
    return f"{module}.{type(backend).__qualname__}"


def queue_depth() -> dict:
    """{queue name: tasks waiting to run now} for the default backend ({} for an inline backend)."""
    backend = _default_backend()
    kind = backend_kind(backend)
    if kind == "database":
        rows = (DBTaskResult.objects.ready().filter(backend_name=backend.alias)
                .values_list("queue_name").annotate(n=Count("pk")).order_by())
        return dict.fromkeys(sorted(backend.queues), 0) | dict(rows)
    if kind == "rq":
        import django_rq

        return {name: django_rq.get_queue(name).count for name in sorted(backend.queues)}
    return {}


def _default_backend():
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def _stop_now(worker_id):
    logger.critical("worker %s lost its lease (swept as dead while stalled): stopping now, so that its task "
                    "does not run twice", worker_id)
    os._exit(EXIT_LEASE_LOST)


class Heartbeat(threading.Thread):
    """Beats the worker's lease and sweeps abandoned tasks every SERVPLAN_JOB_HEARTBEAT_SECONDS, on its own thread
    and database connection, so a long task does not starve it. The first beat and sweep run at once."""

    def __init__(self, worker_id, on_lost=_stop_now):
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.on_lost = on_lost
        self.stopped = threading.Event()

    def run(self):
        try:
            while True:
                close_old_connections()  # this thread's own connection: a broken one is replaced
                self.tick()
                if self.stopped.wait(settings.SERVPLAN_JOB_HEARTBEAT_SECONDS):
                    return
        finally:
            connection.close()

    def tick(self):
        try:
            if not beat(self.worker_id):
                self.on_lost(self.worker_id)
                return
            sweep()
        except DatabaseError:  # a locked or lost database: the next beat tries again, the lease allows for it
            logger.warning("worker %s: heartbeat failed, trying again", self.worker_id, exc_info=True)

    def stop(self):
        self.stopped.set()
        self.join(timeout=settings.SERVPLAN_JOB_HEARTBEAT_SECONDS + 30)


def checkpoint(name):
    """Test hook: with SERVPLAN_TASK_CHECKPOINT_DIR set, say that `name` was reached (a file `<name>.reached`
    holding the process id) and wait until the test releases it (a file `<name>.release`). Off in production."""
    if not settings.SERVPLAN_TASK_CHECKPOINT_DIR:
        return
    folder = Path(settings.SERVPLAN_TASK_CHECKPOINT_DIR)
    (folder / f"{name}.reached").write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while not (folder / f"{name}.release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def heartbeat_summary() -> dict:
    """The background workers as monitoring sees them, whichever backend runs the tasks: {"backend": "database" |
    "rq" | "inline" | the backend's class path, "live": workers beating within SERVPLAN_JOB_LEASE_SECONDS, "stale":
    workers still registered but silent for longer (died without unregistering; swept or expired soon)}. /healthz
    reads it; an inline backend has no workers (both 0)."""
    kind = backend_kind()
    if kind == "database":
        live = live_workers().count()
        return {"backend": kind, "live": live, "stale": TaskWorker.objects.count() - live}
    if kind == "rq":
        from .rq_backend import heartbeats

        live, stale = heartbeats(settings.SERVPLAN_JOB_LEASE_SECONDS)
        return {"backend": kind, "live": live, "stale": stale}
    return {"backend": kind, "live": 0, "stale": 0}
