from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from strategy import progress

        from . import services, workflows  # noqa: F401  (workflows binds the record types)

        progress.register_provider(services.project_progress)
