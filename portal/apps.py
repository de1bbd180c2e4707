from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer portal")

    def ready(self):
        from . import panels, workflows  # noqa: F401  (the customer's scope and menu; the contacts' sign-in panel)

        panels.register()
