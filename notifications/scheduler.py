"""When the periodic jobs run (the reminder and digest jobs, a connector tick, whatever an app registers in
core.schedule): APScheduler's cron triggers, in the company's time zone.

The scheduler only enqueues (django-tasks); the worker runs the job. Two schedulers running at once (two
`make run`s on one database, a restart overlapping) only enqueue the job twice: the job is idempotent (one
notification per person, item and kind; one digest per person and day), so nobody is told twice.
"""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import close_old_connections

from core import schedule as registry

from .tasks import send_reminders_task

logger = logging.getLogger(__name__)


def schedule():
    """(task, crontab) pairs from core.schedule: reminders often; digests hourly, each reader's sent in the first
    run after SERVPLAN_DIGEST_HOUR on their own clock (registered by NotificationsConfig.ready); other apps' jobs."""
    return registry.jobs()


def enqueue(task):
    result = task.enqueue()
    logger.info("enqueued %s (%s)", task.name, result.id)
    return result


def _fire(task):
    """A trigger fired (in APScheduler's thread pool): enqueue, on a connection that is fresh and let go after."""
    close_old_connections()
    try:
        enqueue(task)
    finally:
        close_old_connections()


def build_scheduler(run_now=True):
    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE,
                                  job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600})
    for task, crontab in schedule():
        scheduler.add_job(_fire, CronTrigger.from_crontab(crontab, timezone=settings.TIME_ZONE), args=[task],
                          id=task.name, name=task.name)
    if run_now:  # a fresh start tells people at once rather than at the next quarter hour
        scheduler.add_job(_fire, args=[send_reminders_task], id="start", name="reminders at start")
    return scheduler
