from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = _("Continual improvement")

    def ready(self):
        # The "Raise improvement" buttons on every source's page, the work queue, the closure checklist's items,
        # the report sections, the improvements a management review decides, and the compliance rule IMP-1.
        from . import closure_items, compliance, decisions, reports, sources, worklist  # noqa: F401

        sources.register_sources()
        decisions.register()
