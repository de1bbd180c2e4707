"""Background jobs with progress: heavy work a person starts from a page or the API, off the request.

    job = jobs.start(user, JobKind.EXPORT, title, export_list_task, path, query, "csv")

`start` writes a `BackgroundJob` (owner, kind, title, the request id from core.context, the reader's language and
zone) and enqueues a django-tasks task whose first argument is the job's id. The task body runs through `run`
(acting as the owner, in their language and zone) and reports with `progress(job_id, done, total)`, then
`finish(job_id, file=(name, fileobj) | None, message="")` or `fail(job_id, message)`. A result file goes to the
default storage (S3 in the cluster) and expires after SERVPLAN_JOB_RESULT_HOURS; `cleanup()` (a periodic job,
core.schedule) deletes expired files and forgets jobs older than SERVPLAN_JOB_KEEP_DAYS.

Progress written inside a long transaction (a recompute writes every ticket in one) would be invisible until the
commit: it also goes to the cache, and on PostgreSQL through a connection of its own, so the page polling it moves.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from django_tasks import task

from . import context, display
from .choices import JobKind, JobState
from .models import BackgroundJob

logger = logging.getLogger(__name__)


def result_hours() -> float:
    return float(getattr(settings, "SERVPLAN_JOB_RESULT_HOURS", 24))


def _progress_key(job_id):
    return f"servplan:job-progress:{job_id}"


def start(user, kind, title, task, *args, total=None, link="", params=None) -> BackgroundJob:
    """Record the job and enqueue `task(job_id, *args)`; with the immediate backend it has run when this returns."""
    job = BackgroundJob.objects.create(
        owner=user, kind=kind, title=str(title)[:300], total=total, link=link,
        request_id=context.current().request_id[:64],
        params={"language": translation.get_language() or settings.LANGUAGE_CODE,
                "zone": timezone.get_current_timezone_name(), **(params or {})})
    result = task.enqueue(job.pk, *args)
    BackgroundJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def run(job_id, body, *args):
    """The task body's frame: acting as the owner (the starting request's id), in the language and zone the job was
    started in; a body that raises fails the job with a message and re-raises; one that returns finishes it."""
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    if job.finished:
        return job.state
    BackgroundJob.objects.filter(pk=job_id).update(state=JobState.RUNNING, started_at=timezone.now())
    language = job.params.get("language") or context.language_of(job.owner)
    zone = job.params.get("zone") or context.zone_of(job.owner)
    with context.acting_as(job.owner, request_id=job.request_id or None), translation.override(language), \
            timezone.override(zone):
        try:
            body(job, *args)
        except Exception as exc:
            logger.exception("background job %s (%s) failed", job_id, job.kind)
            fail(job_id, display.message(gettext_noop("The job stopped with an error (%(error)s). Start it again."),
                                         error=type(exc).__name__))
            raise
    state = BackgroundJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
    if state not in (JobState.DONE, JobState.FAILED):
        finish(job_id)
        state = JobState.DONE
    return state


def progress(job_id, done, total=None):
    """How far the job is (`done` of `total` units: rows, tickets); visible to the page polling it at once."""
    values = {"done": int(done)}
    if total is not None:
        values["total"] = int(total)
    cache.set(_progress_key(job_id), values, timeout=24 * 3600)
    if not connection.in_atomic_block:
        BackgroundJob.objects.filter(pk=job_id).update(**values)
    elif connection.vendor != "sqlite":  # SQLite has one writer: the cache carries it until the commit
        _update_outside(job_id, values)


def _update_outside(job_id, values):
    """Write progress through a connection of its own (committed at once, outside the work's transaction)."""
    side = connections.create_connection(connection.alias)
    try:
        side.set_autocommit(True)
        columns = ", ".join(f"{side.ops.quote_name(name)} = %s" for name in values)
        with side.cursor() as cursor:
            cursor.execute(f"UPDATE {side.ops.quote_name(BackgroundJob._meta.db_table)} SET {columns} WHERE id = %s",
                           [*values.values(), job_id])
    except Exception:  # progress is a courtesy: never stop the work for it
        logger.warning("could not write the progress of job %s", job_id, exc_info=True)
    finally:
        side.close()


def current(job: BackgroundJob) -> BackgroundJob:
    """The job with the freshest progress (the cache's, while the work's transaction hides the row's)."""
    if not job.finished:
        cached = cache.get(_progress_key(job.pk))
        if cached and cached["done"] > job.done:
            job.done = cached["done"]
            job.total = cached.get("total", job.total)
    return job


def finish(job_id, file=None, message=""):
    """Done; `file` = (name, binary file object) is stored as the result, downloadable until it expires."""
    now = timezone.now()
    values = {"state": JobState.DONE, "finished_at": now, "expires_at": now + timedelta(hours=result_hours()),
              "message": message}
    if file is not None:
        name, fileobj = file
        stored = default_storage.save(f"jobs/{now:%Y/%m}/{job_id}-{uuid.uuid4().hex[:12]}/{name}",
                                      File(fileobj, name=name))
        values.update(result=stored, result_name=name, result_size=default_storage.size(stored))
    job = BackgroundJob.objects.filter(pk=job_id)
    total = job.values_list("total", flat=True).first()
    if total is not None:
        values["done"] = total
    job.update(**values)
    cache.delete(_progress_key(job_id))


def fail(job_id, message):
    now = timezone.now()
    BackgroundJob.objects.filter(pk=job_id).exclude(state=JobState.DONE).update(
        state=JobState.FAILED, finished_at=now, message=message, expires_at=now + timedelta(hours=result_hours()))
    cache.delete(_progress_key(job_id))


def delete_result(job: BackgroundJob):
    if job.result:
        try:
            default_storage.delete(job.result.name)
        except OSError:
            logger.warning("could not delete the result of job %s", job.pk, exc_info=True)
    BackgroundJob.objects.filter(pk=job.pk).update(result="", result_size=None)


def cleanup(now=None) -> int:
    """Delete expired result files and forget jobs older than SERVPLAN_JOB_KEEP_DAYS; returns files deleted."""
    now = now or timezone.now()
    expired = list(BackgroundJob.objects.filter(expires_at__lte=now).exclude(result=""))
    for job in expired:
        delete_result(job)
    keep = timedelta(days=float(getattr(settings, "SERVPLAN_JOB_KEEP_DAYS", 30)))
    BackgroundJob.objects.filter(finished_at__lt=now - keep, result="").delete()
    return len(expired)


@task()
def cleanup_jobs_task() -> int:
    return cleanup()


def on_task_finished(sender, task_result, **kwargs):
    """A job whose task failed outside `run` (its worker died once too often) says so instead of running for ever."""
    from django_tasks_db.compat import TaskResultStatus

    from . import workers

    if task_result.status != TaskResultStatus.FAILED:
        return
    job = BackgroundJob.objects.filter(task_id=str(task_result.id)[:64]).exclude(
        state__in=(JobState.DONE, JobState.FAILED)).first()
    if job is None:
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else ""
    fail(job.pk, display.message(gettext_noop("The background worker stopped while running this job. Start it "
                                              "again.")) if error == workers.WORKER_LOST else
         display.message(gettext_noop("The job stopped before it finished (%(error)s). Start it again."),
                         error=error.rsplit(".", 1)[-1] or "?"))


# ---- exports of list pages ------------------------------------------------------------------------------------

def list_view(path, query, user):
    """The list page at `path` with the filter `query`, set up for `user` as a request would (permission checked)."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpRequest, QueryDict
    from django.urls import resolve

    from .permissions import allowed
    from .views import ObjectListView

    match = resolve(path)
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ObjectListView):
        raise ValueError(f"{path} is not a list page")
    request = HttpRequest()
    request.method, request.path, request.path_info = "GET", path, path
    request.GET = QueryDict(query)
    request.user = user
    request.META["SERVER_NAME"], request.META["SERVER_PORT"] = "servplan", "80"
    view = view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    if not allowed(user, view.model, view.action):
        raise PermissionDenied
    return view


def _export(job, path, query, fmt):
    from .list_export import csv_chunks, xlsx_file

    view = list_view(path, query, job.owner)
    plan = view.export_plan()
    total = plan.queryset.order_by().count()
    progress(job.pk, 0, total)
    name = f"{view.model._meta.model_name}.{fmt}"
    if fmt == "csv":
        import tempfile

        spool = tempfile.TemporaryFile(suffix=".csv")  # noqa: SIM115 (closed below, after it is stored)
        counted = _Counter(plan.rows(), lambda n: progress(job.pk, n, total))
        for piece in csv_chunks(plan.headers, counted):
            spool.write(piece)
        spool.seek(0)
        count = counted.count
    else:
        spool, count = xlsx_file(plan.headers, plan.rows(), str(view.model._meta.verbose_name_plural),
                                 progress=lambda n: progress(job.pk, n, total))
    with spool:
        BackgroundJob.objects.filter(pk=job.pk).update(total=count)
        finish(job.pk, file=(name, spool),
               message=display.message(gettext_noop("%(n)s rows exported."), n=count))


class _Counter:
    """Rows passed through, counted, with progress every 2,000."""

    def __init__(self, rows, report):
        self.rows, self.report, self.count = rows, report, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            if self.count % 2000 == 0:
                self.report(self.count)
            yield row


@task()
def export_list_task(job_id: int, path: str, query: str, fmt: str) -> str:
    return run(job_id, _export, path, query, fmt)


def start_export(user, view, fmt) -> BackgroundJob:
    """A list page's export as a background job (the list's address and filter are what the worker reads again)."""
    from django.utils.translation import gettext as _t

    request = view.request
    query = request.GET.copy()
    query.pop("export", None)
    title = _t("%(list)s as %(format)s") % {"list": str(view.model._meta.verbose_name_plural).capitalize(),
                                            "format": fmt.upper()}
    return start(user, JobKind.EXPORT, title, export_list_task, request.path_info, query.urlencode(), fmt,
                 link=request.path + (f"?{query.urlencode()}" if query else ""),
                 params={"model": view.model._meta.label_lower, "format": fmt, "filter": dict(query.lists())})
