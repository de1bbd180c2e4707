from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        # The work queue and the compliance rule SUP-1 (registered when imported); the buttons and panels on the
        # contract's and the review's pages.
        from . import compliance, next_steps, worklist  # noqa: F401

        next_steps.register()
