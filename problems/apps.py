from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = _("Problems")

    def ready(self):
        # Buttons and panels on earlier pages, the work queue, the report sections and the closure checklist.
        from . import next_steps, sections, worklist  # noqa: F401

        next_steps.register()
        sections.register()
