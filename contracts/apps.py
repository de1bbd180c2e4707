from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from . import panels, workflows  # noqa: F401  (workflows binds the contract, SLA and review record types)

        panels.register()
