"""Background generation of monthly reports (Django Tasks API; worker: `manage.py db_worker`)."""

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from core.context import acting_as

from .models import MonthlyServiceReport

logger = logging.getLogger(__name__)


@task()
def generate_report_task(report_id: int, user_id: int) -> str:
    from .services.monthly import fail_generation, run_generation

    report = MonthlyServiceReport.objects.select_related("contract").get(pk=report_id)
    user = get_user_model().objects.get(pk=user_id)
    with acting_as(user, request_id=f"report-{report_id}"):
        try:
            run_generation(report, user)
        except Exception as exc:
            logger.exception("report generation %s failed", report_id)
            fail_generation(report_id, exc)
            raise
    return "done"
