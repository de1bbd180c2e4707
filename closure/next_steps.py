"""Next-step buttons the closure stage puts on earlier stages' pages (core.extensions.register_action)."""


def register():
    summary_register()


# ---- summary report ----
def project_summary(project, user):
    """On a project: write the summary report once it is due (open the report once it exists)."""
    from django.utils import timezone
    from django.utils.translation import gettext as _t

    from core.extensions import Action
    from core.permissions import allowed
    from projects.choices import ProjectStatus

    from .models import SummaryReport
    from .services.summary import is_due, page_for, summary_for

    if project.status != ProjectStatus.OPEN or summary_for(project) is not None:
        return
    if allowed(user, SummaryReport, "add") and allowed(user, project, "change") \
            and is_due(project, timezone.localdate()):
        yield Action(_t("Write the project summary report"), page_for(project), "clipboard-data",
                     "write-summary-report")


def summary_register():
    from core.extensions import register_action

    register_action("projects.project", project_summary)
