from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategy (annual goals)")

    def ready(self):
        from . import workflows  # noqa: F401  (binds the record type)
