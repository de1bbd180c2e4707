"""Background work on Redis (RQ) when scaled out: django-tasks-rq's backend, made to keep the promise the ORM
backend keeps (core.workers): a job whose worker died is run again from the start, at most
SERVPLAN_JOB_MAX_ATTEMPTS times in all, then failed with `WorkerLost`; a job that raised is failed at once (never
retried: it would only raise again, and its app has already told its user).

How RQ 3.0 finds an abandoned job: the worker adds each job it starts to the queue's StartedJobRegistry with an
expiry of the job's timeout + 60 s; `StartedJobRegistry.cleanup()` (run by every worker's maintenance, and at
once by our supervisor for the worker it saw die: `release()`) retries each expired STARTED job that has retries
left and fails the others. It calls the job's failure callback in both cases: ours tells the task's app only
when the job is not retried, so an import or report is not reported failed while it is about to run again.

Only idempotent tasks are run again (an import is keyed by external id and content digest, a report
recomputes); a job runs in the worker's own process (`SimpleWorker`, no work horse), so when the worker is
killed its job is killed with it and no orphan finishes the job while it runs again elsewhere.
"""

import logging
from datetime import UTC, datetime

import django_rq
from django.conf import settings
from django.db import close_old_connections
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq import backend as rq_tasks
from rq import Retry
from rq.exceptions import AbandonedJobError
from rq.job import Callback, JobStatus
from rq.registry import StartedJobRegistry
from rq.worker import SimpleWorker, WorkerStatus

from .workers import WorkerLost

logger = logging.getLogger(__name__)


def failed_callback(job, connection, exception_class, exception_value, traceback):
    """RQ's failure callback: an abandoned job about to be retried is not a failure yet; one abandoned for the
    last time failed as core.workers says (WorkerLost), so its app shows the same message as on the ORM backend."""
    if issubclass(exception_class, AbandonedJobError):
        if job.retries_left:
            logger.warning("job %s (%s): its worker stopped; queued to run again from the start (%s tries left)",
                           job.id, job.func_name, job.retries_left)
            return
        exception_class, exception_value = WorkerLost, WorkerLost(str(exception_value))
    rq_tasks.failed_callback(job, connection, exception_class, exception_value, traceback)


def success_callback(job, connection, result):
    rq_tasks.success_callback(job, connection, result)


class RQBackend(rq_tasks.RQBackend):
    """django-tasks-rq's backend, its jobs created with a retry budget for lost workers and our callbacks."""

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        task_result = TaskResult(task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None,
                                 started_at=None, last_attempted_at=None, finished_at=None, args=args,
                                 kwargs=kwargs, backend=self.alias, errors=[], worker_ids=[])
        queue = django_rq.get_queue(task.queue_name, job_class=rq_tasks.Job)
        retries = max(settings.SERVPLAN_JOB_MAX_ATTEMPTS - 1, 0)
        job = queue.create_job(
            task.module_path, args=args, kwargs=kwargs, job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            retry=Retry(max=retries) if retries else None,
            on_failure=Callback(failed_callback), on_success=Callback(success_callback),
            meta={"backend_name": self.alias})
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result


class Worker(SimpleWorker):
    """Runs each job in its own process (see the module's doc), on a fresh database connection, and retries a
    job only when its worker was lost (the registry's cleanup), never one that raised."""

    def perform_job(self, job, queue, *args, **kwargs):
        close_old_connections()
        try:
            return super().perform_job(job, queue, *args, **kwargs)
        finally:
            close_old_connections()

    def handle_job_failure(self, job, queue, *args, **kwargs):
        job.retries_left = 0  # it raised (or timed out): run again, it would do the same
        return super().handle_job_failure(job, queue, *args, **kwargs)


def release(worker_name) -> list:
    """The supervisor saw worker `worker_name` die: resolve its started jobs now (again from the start, or
    failed after the last attempt) instead of when their registry entries expire. Returns their ids."""
    connection = django_rq.get_connection()
    released = []
    for queue in django_rq.queues.get_queues(*settings.RQ_QUEUES, job_class=rq_tasks.Job):
        registry = StartedJobRegistry(queue.name, connection=connection, job_class=rq_tasks.Job)
        mine = {}
        for key in connection.zrange(registry.key, 0, -1):
            key = key.decode()
            job = rq_tasks.Job.fetch(key.split(":", 1)[0], connection=connection) \
                if rq_tasks.Job.exists(key.split(":", 1)[0], connection=connection) else None
            if job is not None and job.worker_name == worker_name and job.get_status() == JobStatus.STARTED:
                mine[key] = 0  # expired long ago: the next cleanup takes it, and only it
                released.append(job.id)
        if mine:
            connection.zadd(registry.key, mine, xx=True)
            registry.cleanup(timestamp=1)
    dead = SimpleWorker.find_by_key(SimpleWorker.redis_worker_namespace_prefix + worker_name, connection=connection)
    if dead is not None:
        dead.register_death()
    return released


def heartbeats(lease_seconds):
    """(live, stale) registered RQ workers. An idle worker beats every `worker_ttl - 15` s; a busy one (the job
    runs in its own process) is registered for the job's timeout + 60 s and counts as live meanwhile; an idle
    one silent for longer than the lease is stale (killed, its registration not expired yet)."""
    connection = django_rq.get_connection()
    live = stale = 0
    now = datetime.now(UTC)
    for worker in SimpleWorker.all(connection=connection):
        beat = worker.last_heartbeat
        if beat is not None and beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)
        if worker.get_state() == WorkerStatus.BUSY or (beat and (now - beat).total_seconds() <= lease_seconds):
            live += 1
        else:
            stale += 1
    return live, stale
