from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app declares its record types, workflows, permission rows and menu entries in its workflows.py.
        autodiscover_modules("workflows")
