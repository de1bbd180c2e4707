from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Project closure")

    def ready(self):
        from . import checklist, next_steps, worklist  # noqa: F401  (checklist items, buttons, work-queue sources)

        next_steps.register()
        next_steps.register_review_actions()  # ---- internal review and acceptance ----
