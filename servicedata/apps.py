from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="servicedata.search_index")
        from .search import on_tickets_imported
        from .signals import tickets_imported

        tickets_imported.connect(on_tickets_imported, dispatch_uid="servicedata.search_catch_up")


def _ensure_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from .search import ensure

    ensure(connections[using])
