from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Controlled documents")

    def ready(self):
        from . import workflows  # noqa: F401  (binds the record type)
