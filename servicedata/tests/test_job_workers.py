"""What an import job's user sees when its worker is gone (issue 10); the real kill is in test_worker_death.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import workers
from core.choices import AuditAction, TaskState
from core.models import AuditEntry, TaskWorker
from servicedata.choices import ImportStatus
from servicedata.models import ImportJob
from servicedata.tasks import submit

from .helpers import csv_bytes, upload
from .test_import import GOOD


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not run inline
    settings.SERVPLAN_JOB_LEASE_SECONDS = 60
    settings.SERVPLAN_JOB_MAX_ATTEMPTS = 3


@pytest.fixture
def job(contracts, demo):
    return submit(contracts["nbhospital"], demo["svc_staff"], upload("t.csv", csv_bytes(GOOD)), fmt="csv")


def live(worker_id, seconds_ago=0):
    at = timezone.now() - timedelta(seconds=seconds_ago)
    TaskWorker.objects.create(worker_id=worker_id, host="h", pid=1, started_at=at, heartbeat_at=at)


def run_and_die(job, *worker_ids):
    """Claim the job's task by each worker in turn, as attempts that all died while writing."""
    task = DBTaskResult.objects.get(pk=job.task_id)
    for worker_id in worker_ids:
        task.claim(worker_id)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, progress=50, attempts=len(worker_ids))


def panel(client_for, job):
    return client_for("svc_staff").get(reverse("servicedata:importjob_progress", args=[job.pk])).content.decode()


def test_a_queued_job_with_no_worker_says_so(job, client_for):
    assert job.worker_state == TaskState.NO_WORKER
    html = panel(client_for, job)
    assert "No background worker is running: the import starts when one does." in html
    assert "import-progress" not in html
    live("w")
    html = panel(client_for, job)
    assert 'data-worker-state="queued"' in html and "import-progress" in html and "import-worker-notice" not in html


def test_a_job_whose_worker_is_gone_is_shown_lost_then_waiting_to_run_again(job, client_for):
    live("dead", seconds_ago=120)
    run_and_die(job, "dead")
    html = panel(client_for, job)
    assert 'data-worker-state="lost"' in html and "run again from the start automatically" in html
    assert "import-progress" not in html  # no stuck bar
    detail = client_for("svc_staff").get(job.get_absolute_url()).content.decode()
    assert "run again from the start automatically" in detail

    workers.sweep()
    job = ImportJob.objects.get(pk=job.pk)
    assert job.worker_state == TaskState.RETRYING and job.status == ImportStatus.WRITING
    assert "waits to run again from the start" in panel(client_for, job)
    api = client_for("svc_staff").get(f"/api/servicedata/import-jobs/{job.pk}/").json()
    assert (api["worker_state"], api["attempts"]) == ("retrying", 1)


def test_the_last_attempt_lost_fails_the_job_with_a_message_and_an_audit_entry(job, client_for, demo):
    live("third", seconds_ago=120)
    run_and_die(job, "first", "second", "third")

    assert workers.sweep().failed == [job.task_id]

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None and job.worker_state == ""
    assert job.message.startswith("The background worker stopped 3 times while running this import")
    assert "import the file again" in job.message
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED
    entry = AuditEntry.objects.filter(action=AuditAction.BULK, object_id=str(job.pk)).get()
    assert entry.changes["failed"] == workers.WORKER_LOST and entry.changes["attempts"] == 3
    assert entry.user == demo["svc_staff"]
    html = panel(client_for, job)
    assert 'data-status="failed"' in html and "hx-trigger" not in html  # the panel stops polling


def test_a_finished_job_is_left_alone(job):
    live("third", seconds_ago=120)
    run_and_die(job, "first", "second", "third")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, message="done")
    workers.sweep()
    job.refresh_from_db()
    assert (job.status, job.message) == (ImportStatus.DONE, "done")
