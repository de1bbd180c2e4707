from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = _("Problems")

    def ready(self):
        # The closure checklist's items, the reports' sections and the work queue (registered when imported); the
        # buttons and panels on earlier pages.
        from . import closure_items, next_steps, reports, worklist  # noqa: F401

        next_steps.register()
