from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresalesConfig(AppConfig):
    name = "presales"
    verbose_name = _("Pre-sales")

    def ready(self):
        from . import workflows, worklist  # noqa: F401  (the requirement and proposal record types; work-queue source)
