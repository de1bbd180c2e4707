"""When the periodic jobs run (the reminder and digest jobs, a connector tick, whatever an app registers in
core.schedule): APScheduler's cron triggers, in the company's time zone.

The scheduler only enqueues (django-tasks); a worker runs the job. Several schedulers may run at once (one per
host in the cluster, two `make run`s on one database, a restart overlapping): each firing is claimed per (job,
scheduled instant) in the database first (core.schedule.fire_once), so only one of them enqueues it. The jobs
are idempotent all the same (one notification per person, item and kind; one digest per person and day).
"""

import logging
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from core import schedule as registry

from .tasks import send_reminders_task

logger = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 600
START_LOOKBACK = timedelta(days=1)


def schedule():
    """(task, crontab) pairs from core.schedule: reminders often; digests hourly, each reader's sent in the first
    run after SERVPLAN_DIGEST_HOUR on their own clock (registered by NotificationsConfig.ready); other apps' jobs."""
    return registry.jobs()


def scheduled_instant(trigger, now, lookback=timedelta(seconds=MISFIRE_GRACE_SECONDS + 60)):
    """The trigger's latest fire time at or before `now`: the firing being run (APScheduler runs a job at, or
    coalesced after, its fire time and does not pass it on), or None when it has none within `lookback`."""
    previous = None
    fire = trigger.get_next_fire_time(None, now - lookback)
    while fire is not None and fire <= now:
        previous, fire = fire, trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return previous


def enqueue(task, instant=None):
    """Enqueue `task` for its firing at `instant`, once across schedulers; without an instant, unconditionally."""
    if instant is None:
        result = task.enqueue()
    else:
        result = registry.fire_once(task, instant)
        if result is None:
            return None
    logger.info("enqueued %s for %s (%s)", task.name, instant.isoformat() if instant else "now", result.id)
    return result


def _fire(task, trigger, lookback=None):
    """A trigger fired (in APScheduler's thread pool): claim and enqueue, on a connection fresh and let go after."""
    close_old_connections()
    try:
        now = timezone.now()
        instant = scheduled_instant(trigger, now, **({"lookback": lookback} if lookback else {}))
        if instant is None and lookback is None:
            logger.warning("%s fired at %s with no scheduled instant before it; skipped", task.name, now)
            return
        enqueue(task, instant)
    finally:
        close_old_connections()


def _trigger(crontab):
    return CronTrigger.from_crontab(crontab, timezone=settings.TIME_ZONE)


def build_scheduler(run_now=True):
    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS})
    triggers = {}
    for task, crontab in schedule():
        triggers[task.name] = trigger = _trigger(crontab)
        scheduler.add_job(_fire, trigger, args=[task, trigger], id=task.name, name=task.name)
    if run_now:  # a fresh start tells people at once: the reminders' latest firing, unless a scheduler fired it
        trigger = triggers.get(send_reminders_task.name) or _trigger(settings.SERVPLAN_REMINDER_CRON)
        scheduler.add_job(_fire, args=[send_reminders_task, trigger, START_LOOKBACK], id="start",
                          name="reminders at start")
    return scheduler
