"""Several schedulers (one per host in the cluster): each periodic firing is enqueued once (core.schedule)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core import schedule
from core.models import PeriodicFiring
from notifications.scheduler import _fire, scheduled_instant
from notifications.tasks import send_digests_task, send_reminders_task


def test_the_instant_of_a_firing_is_the_triggers_latest_fire_time_up_to_now():
    trigger = CronTrigger.from_crontab("*/15 * * * *", timezone="Asia/Shanghai")
    now = datetime(2026, 11, 30, 1, 31, 7, tzinfo=UTC)  # 09:31:07 in Shanghai
    assert scheduled_instant(trigger, now) == datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    assert scheduled_instant(trigger, datetime(2026, 11, 30, 1, 30, tzinfo=UTC)) == datetime(2026, 11, 30, 1, 30,
                                                                                                tzinfo=UTC)
    assert scheduled_instant(CronTrigger.from_crontab("0 3 * * *"), now) is None  # none within the grace
    assert scheduled_instant(CronTrigger.from_crontab("0 3 * * *", timezone="UTC"), now,
                             lookback=timedelta(days=1)) == datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_firing_at_once_enqueue_each_firing_once():
    trigger = CronTrigger.from_crontab("* * * * *", timezone="UTC")
    barrier = threading.Barrier(4)
    errors = []

    def scheduler(task):
        try:
            barrier.wait(timeout=10)
            _fire(task, trigger)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(task,))
               for task in (send_reminders_task, send_reminders_task, send_digests_task, send_digests_task)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    firings = list(PeriodicFiring.objects.order_by("job"))
    assert [firing.job for firing in firings] == sorted([send_digests_task.name, send_reminders_task.name])
    for firing in firings:
        assert firing.scheduled_for.second == 0 and firing.task_id
        assert DBTaskResult.objects.filter(pk=firing.task_id).exists()
    assert DBTaskResult.objects.filter(task_path=send_reminders_task.module_path).count() == 1
    assert DBTaskResult.objects.filter(task_path=send_digests_task.module_path).count() == 1


@pytest.mark.django_db
def test_a_failed_enqueue_gives_its_claim_back():
    instant = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)

    class QueueDown:
        name = send_reminders_task.name

        def enqueue(self):
            raise ConnectionError("queue down")

    with pytest.raises(ConnectionError):
        schedule.fire_once(QueueDown(), instant)
    assert not PeriodicFiring.objects.exists()
    assert schedule.claim(send_reminders_task.name, instant) is True
    assert schedule.claim(send_reminders_task.name, instant) is False
    assert schedule.claim(send_reminders_task.name, instant + timedelta(minutes=15)) is True
    assert schedule.claim(send_reminders_task.name, instant + schedule.KEEP_FIRINGS * 2) is True
    assert PeriodicFiring.objects.filter(job=send_reminders_task.name).count() == 1  # the old ones let go
