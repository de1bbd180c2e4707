from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Project closure")

    def ready(self):
        from . import checklist, next_steps, worklist  # noqa: F401  (checklist items, buttons, work-queue sources)

        next_steps.register()

        # ---- project closure ----
        from . import checklist_sources, panels  # noqa: F401  (the project's own open work on the checklist)

        panels.register()

        # ---- summary report ----
        from .services import summary

        checklist.register(summary.checklist_items)

        next_steps.register_review_actions()  # ---- internal review and acceptance ----
