from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDataConfig(AppConfig):
    name = "servicedata"
    verbose_name = _("Service data and SLA")

    def ready(self):
        from . import panels

        panels.register()
