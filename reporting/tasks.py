"""Background generation of monthly reports (Django Tasks API; worker: `manage.py db_worker`)."""

import logging

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _t
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus

from core import workers
from core.context import acting_as, user_locale

from .choices import GenerationStatus
from .models import MonthlyServiceReport

logger = logging.getLogger(__name__)


@task()
def generate_report_task(report_id: int, user_id: int) -> str:
    from .services.monthly import fail_generation, run_generation

    report = MonthlyServiceReport.objects.select_related("contract").get(pk=report_id)
    user = get_user_model().objects.get(pk=user_id)
    # Written for the user who asked: messages in their language, times in their zone.
    with acting_as(user, request_id=f"report-{report_id}"), user_locale(user, unset_keeps_active=True):
        try:
            run_generation(report, user)
        except Exception as exc:
            logger.exception("report generation %s failed", report_id)
            fail_generation(report_id, exc)
            raise
    return "done"


def on_task_finished(sender, task_result, **kwargs):
    """A generation whose worker died once too often (core.workers) says so instead of "Generating" for ever."""
    if (task_result.status != TaskResultStatus.FAILED
            or task_result.task.module_path != generate_report_task.module_path):
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else ""
    message = (_t("The background worker stopped while generating this report. Generate it again.")
               if error == workers.WORKER_LOST else
               _t("Generation was stopped before it finished (%(error)s). Generate it again.")
               % {"error": error.rsplit(".", 1)[-1] or "?"})
    MonthlyServiceReport.objects.filter(pk=task_result.args[0], generation__in=(
        GenerationStatus.QUEUED, GenerationStatus.RUNNING)).update(generation=GenerationStatus.FAILED,
                                                                   generation_message=message)
