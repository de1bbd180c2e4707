from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDataConfig(AppConfig):
    name = "servicedata"
    verbose_name = _("Service data and SLA")

    def ready(self):
        from django_tasks_db.compat import task_finished

        from core import schedule

        from . import panels, reports, tasks
        from .connectors.tasks import connector_tick_task
        from .sla import rollup

        panels.register()
        rollup.connect_signals()  # closed months' cached figures follow outage, SLA and calendar edits
        reports.register()
        schedule.register(connector_tick_task, "SERVPLAN_CONNECTOR_CRON")
        task_finished.connect(tasks.on_task_finished, dispatch_uid="servicedata.import_task_finished")
