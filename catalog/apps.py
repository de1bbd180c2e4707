from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Service catalogue and calendars")

    def ready(self):
        from . import workflows  # noqa: F401  (declares and binds the service tier record type)
