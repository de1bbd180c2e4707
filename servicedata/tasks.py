"""Background import (Django Tasks API via the django-tasks backport; worker: `manage.py db_worker`)."""

import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _t
from django_tasks import task

from core.context import acting_as

from .choices import ImportStatus
from .models import ImportJob

logger = logging.getLogger(__name__)

# Share of the progress bar per phase: validating, writing, computing.
PHASES = {"validating": (0, 35), "writing": (35, 90), "computing": (90, 99)}


def _progress_writer(job_id):
    def progress(phase, done, fraction):
        low, high = PHASES[phase]
        values = {"status": phase, "processed_rows": done}
        if fraction is not None:
            values["progress"] = int(low + (high - low) * max(0.0, min(fraction, 1.0)))
        ImportJob.objects.filter(pk=job_id).update(**values)
    return progress


def run_job(job: ImportJob) -> ImportJob:
    """Run an import job in this process (the task body; also used by tests and the command).

    A file that cannot be read ends the job rejected with its report (the importer catches it and audits it);
    only an unexpected error fails the job, and it too is audited by the importer.
    """
    from .columns import open_ticket_reader
    from .importer import TicketImport

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, started_at=timezone.now(),
                                               progress=0)
    progress = _progress_writer(job.pk)
    with acting_as(job.created_by, request_id=f"import-{job.pk}"):
        try:
            with job.file.open("rb") as handle:
                reader = open_ticket_reader(job.format, handle, job.size or None)

                def tracked(phase, done, fraction):
                    progress(phase, done, reader.fraction() if phase == "validating" else fraction)

                importer = TicketImport(job.contract, job.created_by, external_system=job.external_system,
                                        time_zone=job.time_zone or None, progress=tracked)
                result = importer.run(reader.rows, name=job.name, sha256=job.sha256, job=job,
                                      ignored_columns=lambda: reader.ignored_columns)
        except Exception as exc:
            logger.exception("import job %s failed", job.pk)
            _finish(job, ImportStatus.FAILED, message=_t("The import failed: %(error)s") % {"error": exc})
            raise
    _finish(job, ImportStatus.REJECTED if result.rejected else ImportStatus.DONE, message=result.summary(),
            total_rows=result.total, created_count=result.created, updated_count=result.updated,
            unchanged_count=result.unchanged, error_count=result.error_count, errors=result.errors,
            warnings=result.warnings)
    job.refresh_from_db()
    return job


def _finish(job, status, **values):
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(),
                                               progress=100 if status == ImportStatus.DONE else F("progress"),
                                               **values)


@task()
def import_job_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("contract", "created_by").get(pk=job_id)
    if job.finished:
        return job.status
    return run_job(job).status


def enqueue(job: ImportJob):
    """Queue the job for the worker (or run it now with the immediate backend)."""
    result = import_job_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    return result


def submit(contract, user, upload, *, fmt, external_system="import", time_zone="") -> ImportJob:
    """Store an uploaded file as an import job and queue it.

    The job row is bookkeeping: the import itself is audited by one "bulk" entry when it ends (rejected,
    failed or done), naming the file, its sha256 and the counts.
    """
    from django.core.exceptions import PermissionDenied

    from core.permissions import allowed
    from core.uploads import check_upload

    if not allowed(user, ImportJob, "add"):
        raise PermissionDenied(_t("Your role may not import service data."))
    info = check_upload(upload)
    job = ImportJob(contract=contract, file=upload, name=upload.name[:200], format=fmt, sha256=info["sha256"],
                    size=info["size"], external_system=external_system or "import", time_zone=time_zone or "",
                    created_by=user)
    job.full_clean()
    job.save()
    enqueue(job)
    job.refresh_from_db()
    return job
