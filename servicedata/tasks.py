"""Background import (Django Tasks API via the django-tasks backport; worker: `manage.py db_worker`)."""

import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _t
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus

from core import audit, workers
from core.choices import AuditAction
from core.context import acting_as, user_locale

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
        if phase == "writing":
            workers.checkpoint("import-writing")  # tests stop a worker here (after a batch) to kill it
    return progress


def run_job(job: ImportJob) -> ImportJob:
    """Run an import job in this process (the task body; also used by tests and the command).

    A file that cannot be read ends the job rejected with its report (the importer catches it and audits it);
    only an unexpected error fails the job, and it too is audited by the importer.
    """
    from .importer import TicketImport

    # A run again after a worker stopped starts from the beginning: the import is idempotent, so the tickets
    # the stopped run wrote are found unchanged (or completed) and nothing is written twice.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, started_at=timezone.now(),
                                               progress=0, processed_rows=0, attempts=F("attempts") + 1)
    job.refresh_from_db(fields=["attempts"])
    progress = _progress_writer(job.pk)
    # The job's messages are read by whoever imported: written in their language, times in their zone.
    with acting_as(job.created_by, request_id=f"import-{job.pk}"), user_locale(job.created_by, unset_keeps_active=True):
        try:
            spec = job_spec(job)
            with job.file.open("rb") as handle:
                reader = open_reader(spec, job.format, handle, job.size or None)

                def tracked(phase, done, fraction):
                    progress(phase, done, reader.fraction() if phase == "validating" else fraction)

                importer = TicketImport(job.contract, job.created_by, external_system=job.external_system,
                                        time_zone=job.time_zone or None, progress=tracked, spec=spec)
                result = importer.run(reader.rows, name=job.name, sha256=job.sha256, job=job,
                                      ignored_columns=lambda: reader.ignored_columns)
        except Exception as exc:
            logger.exception("import job %s failed", job.pk)
            _finish(job, ImportStatus.FAILED, message=_t("The import failed: %(error)s") % {"error": exc})
            raise
    finish_with(job, result, warnings=_retry_warnings(job) + result.warnings)
    job.refresh_from_db()
    return job


def finish_with(job, result, warnings=None):
    """End a job with its import's outcome: rejected or done, the counts, errors, warnings and quality."""
    _finish(job, ImportStatus.REJECTED if result.rejected else ImportStatus.DONE, message=result.summary(),
            total_rows=result.total, created_count=result.created, updated_count=result.updated,
            unchanged_count=result.unchanged, error_count=result.error_count, errors=result.errors,
            warnings=result.warnings if warnings is None else warnings, excluded_count=result.excluded,
            repaired_count=result.repaired, quality=result.quality)


def job_spec(job):
    """The profile a job reads its source with: its approved profile version, else its built-in profile, else
    None (ServPlan's own columns)."""
    if job.profile_id:
        return job.profile.spec()
    if job.builtin_profile:
        from .intake import builtin

        return builtin.get(job.builtin_profile)
    return None


def open_reader(spec, fmt, handle, size):
    from .columns import open_ticket_reader

    return spec.open_reader(fmt, handle, size) if spec is not None else open_ticket_reader(fmt, handle, size)


def _retry_warnings(job):
    if job.attempts <= 1:
        return []
    return [{"row": None, "field": "", "value": "", "message": _t(
        "A background worker stopped during this import, which was then run again from the start (attempt %(n)s). "
        "Tickets the stopped run had already written are counted as unchanged.") % {"n": job.attempts}}]


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


def on_task_finished(sender, task_result, **kwargs):
    """An import task that failed outside run_job (its worker died once too often, or was stopped mid-way) fails
    its job with a message and an audit entry, instead of leaving it at its last progress for ever."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.module_path != import_job_task.module_path:
        return
    job = ImportJob.objects.filter(pk=task_result.args[0]).exclude(status__in=ImportStatus.finished()) \
        .select_related("contract", "created_by").first()
    if job is None:
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else ""
    if error == workers.WORKER_LOST:
        message = _t("The background worker stopped %(n)s times while running this import, so it is not tried "
                     "again. Tickets already written are complete and kept; import the file again to finish it "
                     "(nothing is written twice).") % {"n": job.attempts}
    else:
        message = _t("The import was stopped before it finished (%(error)s). Import the file again to finish it "
                     "(nothing is written twice).") % {"error": error.rsplit(".", 1)[-1] or "?"}
    _finish(job, ImportStatus.FAILED, message=message)
    audit.record_entry(AuditAction.BULK, job, user=job.created_by, comment=message,
                       changes={"file": job.name, "sha256": job.sha256, "contract": job.contract_id,
                                "attempts": job.attempts, "failed": error},
                       obj_repr=_t("Ticket import %(name)s into %(contract)s") % {"name": job.name,
                                                                                 "contract": job.contract})


def enqueue(job: ImportJob):
    """Queue the job for the worker (or run it now with the immediate backend)."""
    result = import_job_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    return result


def submit(contract, user, upload, *, fmt, external_system="import", time_zone="", profile=None,
           builtin_profile="") -> ImportJob:
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
    if (profile is not None or builtin_profile) and external_system in ("", "import"):
        # The source's name as the profile gives it (ticket keys stay those of earlier imports of this source).
        external_system = job_spec(ImportJob(profile=profile, builtin_profile=builtin_profile)).external_system
    job = ImportJob(contract=contract, file=upload, name=upload.name[:200], format=fmt, sha256=info["sha256"],
                    size=info["size"], external_system=external_system or "import", time_zone=time_zone or "",
                    created_by=user, profile=profile, builtin_profile=builtin_profile or "")
    job.full_clean()
    job.save()
    enqueue(job)
    job.refresh_from_db()
    return job


# ---- SLA recompute as a background job (core.jobs) --------------------------------------------------------------

def _recompute(job, contract_id, since, comment):
    from datetime import date

    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext_noop

    from contracts.models import Contract
    from core import display, jobs
    from core.permissions import allowed

    from . import sla
    from .models import Ticket

    if not allowed(job.owner, Ticket, "recompute"):
        raise PermissionDenied
    contract = Contract.objects.restrict(job.owner, "view").get(pk=contract_id)
    since = date.fromisoformat(since) if since else None
    total = job.total
    result = sla.recompute(contract, job.owner, since=since, comment=comment,
                           progress=lambda done: jobs.progress(job.pk, done, total))
    jobs.progress(job.pk, result.tickets, result.tickets)
    jobs.finish(job.pk, message=display.message(gettext_noop(
        "Recomputed the SLA clocks of %(n)s tickets with calendar version %(cal)s and SLA version %(sla)s."),
        n=result.tickets, cal=result.calendar_version_id, sla=result.sla_version_id))


@task()
def recompute_task(job_id: int, contract_id: int, since: str, comment: str) -> str:
    from core import jobs

    return jobs.run(job_id, _recompute, contract_id, since, comment)


def start_recompute(contract, user, since=None, comment="", link=""):
    """Re-measure a contract's tickets in the background (a job with progress; its page links back to `link`)."""
    from core import jobs
    from core.choices import JobKind

    from . import sla
    from .models import Ticket

    tickets = Ticket.objects.filter(contract_id__in=sla.contract_ids(contract))
    if since is not None:
        from datetime import datetime

        tickets = tickets.filter(created__gte=datetime.combine(since, datetime.min.time(), sla.contract_zone(contract)))
    title = _t("SLA recompute of %(contract)s") % {"contract": contract}
    return jobs.start(user, JobKind.RECOMPUTE, title, recompute_task, contract.pk,
                      since.isoformat() if since else "", comment, total=tickets.count(), link=link,
                      params={"contract": contract.pk})
