from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDataConfig(AppConfig):
    name = "servicedata"
    verbose_name = _("Service data and SLA")

    def ready(self):
        from django_tasks_db.compat import task_finished

        from . import panels, reports, tasks

        panels.register()
        reports.register()
        task_finished.connect(tasks.on_task_finished, dispatch_uid="servicedata.import_task_finished")
