from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategy (annual goals, management review)")

    def ready(self):
        # The record types, the management review's own inputs (SLA, goals), its work queue and the rule that keeps
        # an approved review's decisions.
        from . import inputs, review, workflows, worklist  # noqa: F401
