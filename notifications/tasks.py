"""The reminder jobs, run by the background worker (Django Tasks API); the scheduler (notifications.scheduler)
enqueues them on their cron schedules."""

from django_tasks import task

from . import services


@task()
def send_reminders_task() -> int:
    return services.send_reminders()


@task()
def send_digests_task() -> int:
    return services.send_digests()
