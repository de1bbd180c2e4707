from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Information security")

    def ready(self):
        # The import hook, the buttons and panels on tickets and contracts, the work queue, the closure checklist
        # the report sections and the compliance rule SEC-1.
        from servicedata.signals import tickets_imported

        from . import closure_items, compliance, panels, reports, services, worklist  # noqa: F401

        tickets_imported.connect(services.on_tickets_imported, dispatch_uid="security.on_tickets_imported")
        panels.register()
