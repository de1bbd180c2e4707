"""core.workers.heartbeat_summary(): live and stale workers, as /healthz reports them (ORM backend here; the RQ
backend's count is exercised by tests/cluster)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import workers
from core.models import TaskWorker

pytestmark = pytest.mark.django_db


def test_workers_beating_within_the_lease_are_live_the_others_stale(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SERVPLAN_JOB_LEASE_SECONDS = 60
    now = timezone.now()
    for name, beat in (("a", now), ("b", now - timedelta(seconds=30)), ("c", now - timedelta(seconds=61))):
        TaskWorker.objects.create(worker_id=name, host="h", pid=1, started_at=now - timedelta(hours=1),
                                  heartbeat_at=beat)
    assert workers.heartbeat_summary() == {"backend": "database", "live": 2, "stale": 1}


def test_a_backend_without_workers_says_which_it_is(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert workers.heartbeat_summary() == {"backend": "inline", "live": 0, "stale": 0}
