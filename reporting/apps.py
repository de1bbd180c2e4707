from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from . import dashboard, workflows  # noqa: F401  (bind record types, register dashboard panels)
