from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app declares its record types, workflows, permission rows and menu entries in its workflows.py.
        autodiscover_modules("workflows")


def project_apps():
    """ServPlan's own apps (not Django's or third parties'), in INSTALLED_APPS order: the stages of the procedure."""
    return [config for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)]
