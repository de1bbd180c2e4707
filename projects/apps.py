from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from strategy import progress

        from . import compliance, next_steps, workflows, worklist  # noqa: F401  (record types, work-queue sources, rules)
        from .services import project_progress

        next_steps.register()

        # Strategy comes before projects in the procedure and never imports them: goals ask through this provider.
        progress.register_provider(project_progress)
