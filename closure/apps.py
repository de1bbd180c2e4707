from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Project closure")

    def ready(self):
        # The checklist's sources, the buttons and panels on the project's page, the work-queue sources and the
        # management review's input (internal reviews' results, core.report_sections); the compliance rules CLS-1/2.
        from . import checklist_sources, compliance, next_steps, panels, reports, worklist  # noqa: F401

        next_steps.register()
        panels.register()
