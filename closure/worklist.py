"""Work-queue sources of the closure stage (core.worklist)."""

# ---- summary report ----
# The PM writes the summary report once the project's end is near or past, or every task is settled; a draft or
# returned report is core's "finish this record" item, and the Service Department manager's approval is core's
# "waiting for my decision" item (the workflow's `decides` transitions).
from django.urls import reverse
from django.utils.translation import gettext as _t

from core.permissions import allowed
from core.worklist import Item, Kind, register
from projects.choices import ProjectStatus
from projects.models import Project

from .models import SummaryReport


@register
def summary_reports_owed(user, today):
    """Open projects the user manages whose summary report is due and not yet started."""
    if not allowed(user, SummaryReport, "add"):
        return
    projects = Project.objects.filter(manager=user, status=ProjectStatus.OPEN).select_related("contract")
    started = set(SummaryReport.objects.filter(project__in=projects).values_list("project_id", flat=True))
    from .services.summary import is_due

    for project in projects:
        if project.pk in started or not is_due(project, today):
            continue
        yield Item(f"summary_report:project={project.pk}", Kind.WRITE,
                   _t("Write the project summary report: %(project)s") % {"project": project},
                   f"{reverse('closure:summaryreport_add')}?project={project.pk}", due=project.end_date,
                   record=project)
