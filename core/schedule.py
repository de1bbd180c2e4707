"""The periodic jobs: each app registers a task and the setting holding its crontab (from its AppConfig.ready);
the scheduler (`manage.py run_scheduler`, notifications.scheduler) enqueues every registered job on its cron.

    schedule.register(connector_tick_task, "SERVPLAN_CONNECTOR_CRON")
"""

from django.conf import settings

_jobs = {}  # task name -> (task, setting name), in registration order


def register(task, setting: str) -> None:
    _jobs[task.name] = (task, setting)


def jobs() -> list:
    """(task, crontab) pairs, the crontab read from its setting now (tests and deployments change it)."""
    return [(task, getattr(settings, setting)) for task, setting in _jobs.values()]
