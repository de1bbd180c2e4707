from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self):
        # The work queue (what lapses soon, scores to give) and the management review's section (registered when
        # imported).
        from . import reports, worklist  # noqa: F401
