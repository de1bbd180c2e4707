"""A background worker killed with SIGKILL in the middle of an import (issue 10: workers that die are noticed).

Real `manage.py db_worker` processes run against the test database (a file on SQLite, so another process
sees it). The import stops at a test checkpoint after its first write batch of 5 000 tickets was committed
(core.workers.checkpoint), and the worker is killed there: tickets are half imported, the task row is RUNNING
and nothing will ever touch it again. With a 3 s lease the job is shown as lost, then run again from the start
by a fresh worker (or by the supervisor's next child) and completes: every ticket of the file exactly once,
each with its pauses and its SLA clocks. Every wait is bounded; none is an assertion.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.choices import TaskState
from core.models import TaskWorker
from servicedata.choices import ImportStatus
from servicedata.generator import FIELDS, generate_tickets
from servicedata.importer import BATCH_SIZE
from servicedata.models import ImportJob, Ticket, TicketPause
from servicedata.tasks import _retry_warnings, submit

from .conftest import demo_contract
from .helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = BATCH_SIZE + 1000  # two write batches: the worker dies after the first is committed
SYSTEM = "killtest"
LEASE = 3


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SERVPLAN_JOB_LEASE_SECONDS = LEASE  # as the workers have it


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def wait_for(condition, what, timeout=90):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"


def start_worker(processes, checkpoints, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "servplan.settings", "DATABASE_URL": database_url(),
           "SERVPLAN_MEDIA_ROOT": str(settings.MEDIA_ROOT), "SERVPLAN_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "SERVPLAN_JOB_LEASE_SECONDS": str(LEASE), "SERVPLAN_JOB_HEARTBEAT_SECONDS": "0.5",
           "SERVPLAN_TASK_CHECKPOINT_DIR": str(checkpoints)}
    log = open(checkpoints / f"worker-{len(processes)}.log", "wb")  # noqa: SIM115 (kept open for the process)
    process = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                                "--interval", "0.2", *args], cwd=settings.BASE_DIR, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def ticket_file(contract):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    rows = list(generate_tickets(contract, ROWS, seed=10, months=3))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8"), {row["external_id"]: int(bool(row["pauses"])) for row in rows}


def imported():
    return Ticket.objects.filter(external_system=SYSTEM)


def pauses_by_ticket():
    counts = dict.fromkeys(imported().values_list("external_id", flat=True), 0)
    for external_id in TicketPause.objects.filter(ticket__external_system=SYSTEM).values_list(
            "ticket__external_id", flat=True):
        counts[external_id] += 1
    return counts


def kill_during_import(demo, processes, checkpoints, *worker_args):
    """Queue the import, let a worker write the first batch, SIGKILL it at the checkpoint. Returns (job, pid)."""
    contract = demo_contract("hzbank")
    data, expected = ticket_file(contract)
    job = submit(contract, demo["svc_staff"], upload("tickets.csv", data), fmt="csv", external_system=SYSTEM)
    start_worker(processes, checkpoints, *worker_args)
    reached = checkpoints / "import-writing.reached"
    wait_for(reached.exists, "the worker reaches the write checkpoint")
    wait_for(lambda: imported().count() == BATCH_SIZE, "the first batch is committed")
    pid = int(reached.read_text())
    os.kill(pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING and job.attempts == 1
    return job, pid, expected


def assert_nothing_half_written(expected):
    """Each ticket stored is a whole row of the file: with exactly its pauses, never a part of a batch."""
    stored = pauses_by_ticket()
    assert len(stored) in (0, BATCH_SIZE, ROWS)
    assert stored == {external_id: expected[external_id] for external_id in stored}


def assert_imported_exactly_once(job, expected):
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.status, job.message)
    assert job.attempts == 2 and job.total_rows == ROWS
    assert (job.created_count, job.unchanged_count) == (ROWS - BATCH_SIZE, BATCH_SIZE)
    with translation.override(settings.LANGUAGE_CODE):  # the worker writes in the site's language
        assert job.warnings == _retry_warnings(job)  # the user is told it ran twice, and why the counts read so
    assert pauses_by_ticket() == expected  # every ticket of the file once, each with its own pauses
    assert not imported().filter(computed_at__isnull=True).exists()  # and its SLA clocks
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    assert len(set(task.worker_ids)) == 2


def test_a_killed_worker_s_import_is_run_again_by_a_fresh_worker(demo, database_tasks, processes, tmp_path,
                                                                 client_for):
    job, pid, expected = kill_during_import(demo, processes, tmp_path, "--worker-id", "doomed")
    processes[0].wait(timeout=30)
    assert_nothing_half_written(expected)
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == TaskResultStatus.RUNNING and task.worker_ids == ["doomed"]  # left as it was

    # Within the lease nobody can tell; past it the page says the worker is gone instead of a stuck bar.
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).worker_state == TaskState.LOST, "the job shows as lost",
             timeout=LEASE * 10)
    panel = client_for("svc_staff").get(reverse("servicedata:importjob_progress", args=[job.pk])).content.decode()
    assert 'data-worker-state="lost"' in panel and "import-progress" not in panel
    assert "The background worker running this import stopped" in panel
    api = client_for("svc_staff").get(f"/api/servicedata/import-jobs/{job.pk}/").json()
    assert api["worker_state"] == "lost" and api["attempts"] == 1

    (tmp_path / "import-writing.release").touch()
    start_worker(processes, tmp_path, "--worker-id", "fresh")  # knows nothing of the dead one: the lease tells
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, "the import is run again to the end")
    assert_imported_exactly_once(job, expected)
    assert DBTaskResult.objects.get(pk=job.task_id).worker_ids == ["doomed", "fresh"]
    assert not TaskWorker.objects.filter(pk="doomed").exists()


def test_the_supervisor_restarts_a_killed_worker_and_the_import_completes(demo, database_tasks, processes,
                                                                          tmp_path):
    job, _child_pid, expected = kill_during_import(demo, processes, tmp_path, "--supervise")
    supervisor = processes[0]
    (tmp_path / "import-writing.release").touch()
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, "the supervisor's next worker finishes the import")
    assert supervisor.poll() is None  # still supervising
    assert_imported_exactly_once(job, expected)

    supervisor.send_signal(signal.SIGTERM)  # as make run's trap does on Ctrl+C
    assert supervisor.wait(timeout=60) == 0
    assert not TaskWorker.objects.exists()  # its worker stopped with it, and took its lease away
