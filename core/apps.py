from importlib import import_module
from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.module_loading import autodiscover_modules, module_has_submodule
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app declares its record types, workflows, permission rows and menu entries in its workflows.py.
        autodiscover_modules("workflows")
        # Operating: the request id carried into background tasks, and their metrics (core.ops).
        from .ops import metrics, taskcontext

        taskcontext.connect()
        metrics.connect()

        from django_tasks_db.compat import task_finished

        from . import jobs, schedule

        schedule.register(jobs.cleanup_jobs_task, "SERVPLAN_JOB_CLEANUP_CRON")
        task_finished.connect(jobs.on_task_finished, dispatch_uid="core.background_job_finished")


def project_apps():
    """ServPlan's own apps (not Django's or third parties'), in INSTALLED_APPS order: the stages of the procedure."""
    return [config for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)]


def project_modules(name):
    """(app config, module) for each of ServPlan's apps that has a module called `name` (api, urls, demo)."""
    return [(config, import_module(f"{config.name}.{name}")) for config in project_apps()
            if module_has_submodule(config.module, name)]
