"""Security incidents' items of the closure checklist (closure.checklist, SP-4.5.2): each open incident of the
project's contract keeps the project open."""

from django.utils.translation import gettext as _t

from closure import checklist

from .choices import OPEN_STATES, IncidentStatus
from .models import SecurityIncident


@checklist.register
def open_incidents_of_project(project):
    """Each open security incident of the project's contract (any version of its number) keeps the project open:
    named by number and state only (the checklist is read by people who may not open the incident)."""
    group = _t("Information security incidents")
    for incident in SecurityIncident.objects.filter(contract__number=project.contract.number,
                                                    status__in=OPEN_STATES).exclude(status=IncidentStatus.DRAFT) \
            .order_by("pk"):
        yield checklist.Item(f"security_incident:{incident.pk}",
                             _t("Information security incident %(number)s is open (%(state)s)")
                             % {"number": incident.number, "state": incident.get_status_display()},
                             incident.get_absolute_url(), group=group)

checklist.checks_record_type("security_incident")
