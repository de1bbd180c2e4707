"""Workers that die are noticed (issue 10): leases, the sweep, task states, the supervisor.

The end-to-end test (a real worker killed with SIGKILL in the middle of an import) is
servicedata/tests/test_worker_death.py; these test the pieces it relies on.
"""

import sys
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.models import DBTaskResult

from core import workers
from core.choices import TaskState
from core.models import TaskWorker
from core.supervisor import Supervisor


@task()
def sample_task(n: int) -> int:
    return n


@pytest.fixture(autouse=True)
def database_tasks(settings, request):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        DBTaskResult.objects.all().delete()  # what the demo's load left queued is not this test's queue
    settings.SERVPLAN_JOB_LEASE_SECONDS = 60
    settings.SERVPLAN_JOB_MAX_ATTEMPTS = 3


def ago(seconds):
    return timezone.now() - timedelta(seconds=seconds)


def worker(worker_id, beat_seconds_ago=0):
    return TaskWorker.objects.create(worker_id=worker_id, host="h", pid=1, started_at=ago(beat_seconds_ago),
                                     heartbeat_at=ago(beat_seconds_ago))


def running(*worker_ids, started_seconds_ago=120):
    """A task claimed by each of `worker_ids` in turn (earlier attempts), RUNNING on the last."""
    row = DBTaskResult.objects.get(pk=sample_task.enqueue(1).id)
    for worker_id in worker_ids:
        row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=ago(started_seconds_ago))
    row.refresh_from_db()
    return row


def status(row):
    row.refresh_from_db()
    return row.status


@pytest.mark.django_db
def test_a_task_whose_worker_went_silent_past_the_lease_is_queued_again():
    worker("dead", beat_seconds_ago=61)
    worker("alive", beat_seconds_ago=2)
    orphan, healthy = running("dead"), running("alive")

    result = workers.sweep()

    assert result.requeued == [str(orphan.pk)] and not result.failed
    assert status(orphan) == TaskResultStatus.READY and status(healthy) == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()  # the next worker picks it up
    # The dead worker is forgotten; the live one stays.
    assert list(TaskWorker.objects.values_list("pk", flat=True)) == ["alive"]


@pytest.mark.django_db
def test_within_the_lease_nothing_is_touched():
    worker("slow", beat_seconds_ago=59)
    row = running("slow")
    assert workers.sweep() == workers.SweepResult()
    assert status(row) == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_of_a_worker_without_a_row_waits_for_the_lease_from_its_start():
    fresh, old = running("unknown", started_seconds_ago=5), running("unknown2", started_seconds_ago=61)
    assert workers.sweep().requeued == [str(old.pk)]
    assert status(fresh) == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_the_last_attempt_fails_with_worker_lost_and_tells_the_owner():
    worker("w3", beat_seconds_ago=120)
    row = running("w1", "w2", "w3")
    told = []

    def receiver(sender, task_result, **kwargs):
        told.append((task_result.id, task_result.status, task_result.errors[-1].exception_class_path))

    task_finished.connect(receiver)
    try:
        result = workers.sweep()
    finally:
        task_finished.disconnect(receiver)

    assert result.failed == [str(row.pk)]
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and row.finished_at is not None
    assert row.exception_class_path == workers.WORKER_LOST and "attempt 3 of 3" in row.traceback
    assert told == [(str(row.pk), TaskResultStatus.FAILED, workers.WORKER_LOST)]


@pytest.mark.django_db
def test_release_resolves_a_dead_workers_task_at_once(settings):
    settings.SERVPLAN_JOB_MAX_ATTEMPTS = 1
    worker("child", beat_seconds_ago=0)  # the supervisor saw it exit: no need to wait for the lease
    row = running("child", started_seconds_ago=1)
    assert workers.release("child").failed == [str(row.pk)]
    assert status(row) == TaskResultStatus.FAILED
    assert not TaskWorker.objects.exists()


@pytest.mark.django_db
def test_a_task_claimed_again_meanwhile_is_left_to_its_new_worker():
    worker("dead", beat_seconds_ago=120)
    row = running("dead")
    stale = workers.abandoned()
    assert [t.pk for t in stale] == [row.pk]
    row.claim("new")  # another worker re-queued and claimed it between the read and the resolve
    assert workers._resolve(row.pk, "dead", timezone.now()) is None
    assert status(row) == TaskResultStatus.RUNNING and row.worker_ids[-1] == "new"


@pytest.mark.django_db
def test_a_worker_swept_as_dead_stops_at_its_next_beat():
    workers.register("stalled")
    TaskWorker.objects.filter(pk="stalled").update(heartbeat_at=ago(61))
    lost = []
    heartbeat = workers.Heartbeat("stalled", on_lost=lost.append)
    workers.sweep()  # another worker's sweep
    heartbeat.tick()
    assert lost == ["stalled"]


@pytest.mark.django_db
def test_the_heartbeat_renews_the_lease_and_sweeps():
    workers.register("me")
    TaskWorker.objects.filter(pk="me").update(heartbeat_at=ago(30))
    worker("other", beat_seconds_ago=90)
    orphan = running("other")
    workers.Heartbeat("me", on_lost=pytest.fail).tick()
    assert TaskWorker.objects.get(pk="me").heartbeat_at > ago(5)
    assert status(orphan) == TaskResultStatus.READY


@pytest.mark.django_db
def test_task_state_for_the_pages():
    assert workers.task_state("") == "" and workers.task_state("not-a-uuid") == ""
    queued = DBTaskResult.objects.get(pk=sample_task.enqueue(1).id)
    assert workers.task_state(queued.pk) == TaskState.NO_WORKER
    worker("alive")
    assert workers.task_state(queued.pk) == TaskState.QUEUED
    assert workers.task_state(running("alive").pk) == TaskState.RUNNING
    worker("gone", beat_seconds_ago=61)
    lost = running("gone")
    assert workers.task_state(lost.pk) == TaskState.LOST
    workers.sweep()
    assert workers.task_state(lost.pk) == TaskState.RETRYING
    lost.claim("alive")
    lost.set_successful(1)
    assert workers.task_state(lost.pk) == TaskState.FINISHED


@pytest.mark.django_db
def test_health_counts_what_to_monitor():
    DBTaskResult.objects.get(pk=sample_task.enqueue(1).id)
    DBTaskResult.objects.update(enqueued_at=ago(300))
    health = workers.health()
    assert (health.workers, health.queued, health.abandoned) == (0, 1, 0)
    assert 299 <= health.oldest_queued_seconds < 400 and not health.ok  # tasks wait and no worker runs
    with pytest.raises(CommandError):
        call_command("worker_status", "--json")
    worker("alive")
    worker("gone", beat_seconds_ago=61)
    running("gone")
    health = workers.health()
    assert (health.workers, health.running, health.abandoned) == (1, 1, 1) and not health.ok
    workers.sweep()
    assert workers.health().ok


# ---- the supervisor (no database: the release, tested above, is recorded, not run) -----------------------------------

CHILD = "import sys, pathlib; d = pathlib.Path(sys.argv[1]); (d / sys.argv[-1]).write_text('x'); sys.exit(3)"
SLEEPER = "import sys, pathlib, time; pathlib.Path(sys.argv[1], 'started').write_text('x'); time.sleep(60)"


def start(supervisor):
    thread = threading.Thread(target=supervisor.loop, daemon=True)
    thread.start()
    return thread


def test_the_supervisor_restarts_a_worker_that_dies_and_releases_its_tasks(tmp_path, monkeypatch):
    released = []
    monkeypatch.setattr(Supervisor, "_release", staticmethod(released.append))
    supervisor = Supervisor([sys.executable, "-c", CHILD, str(tmp_path)], min_backoff=0.01, max_backoff=0.05,
                            poll=0.01)
    thread = start(supervisor)
    deadline = time.monotonic() + 30
    while supervisor.restarts < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    supervisor.stop()
    thread.join(timeout=30)
    assert not thread.is_alive() and supervisor.restarts >= 3
    started = sorted(p.name for p in tmp_path.iterdir())  # each child got its own worker id ...
    assert len(started) >= 3 and len(set(started)) == len(started)
    assert set(started) <= set(released)  # ... and its tasks were released when it died


def test_the_backoff_doubles_while_workers_die_young(tmp_path, monkeypatch):
    monkeypatch.setattr(Supervisor, "_release", staticmethod(lambda worker_id: None))
    delays = []
    supervisor = Supervisor([sys.executable, "-c", CHILD, str(tmp_path)], min_backoff=1, max_backoff=4, poll=0.01)

    def sleep(seconds):
        delays.append(seconds)
        if len(delays) == 4:
            supervisor.stop()

    supervisor._sleep = sleep
    supervisor.loop()
    assert delays == [1, 2, 4, 4]


def test_stopping_the_supervisor_stops_its_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(Supervisor, "_release", staticmethod(lambda worker_id: None))
    supervisor = Supervisor([sys.executable, "-c", SLEEPER, str(tmp_path)], stop_grace=10, poll=0.01)
    thread = start(supervisor)
    deadline = time.monotonic() + 30
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    supervisor.stop()
    thread.join(timeout=30)
    assert not thread.is_alive() and supervisor.restarts == 0
    assert supervisor.child.returncode == -15  # SIGTERM, within the grace period
