"""Who may bring in service data and recompute SLA clocks, and the monitoring menu entries.

Tickets arrive by import or API push ("add"/"change"); recomputing clocks with a newer calendar or SLA is a
manager's explicit, audited step.
"""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare
from core.roles import READ_ALL
from core.roles import Role as R

SERVICE_DATA_EDITORS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER, R.ADMIN}
declare({
    "servicedata.ticket": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS, "change": SERVICE_DATA_EDITORS,
                           "recompute": {R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN}},
    "servicedata.importjob": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS},
    "servicedata.outage": crud(SERVICE_DATA_EDITORS),
    "servicedata.maintenancewindow": crud(SERVICE_DATA_EDITORS),
})
navigation.add("monitoring", _("SLA dashboards"), "servicedata:sla_overview", "servicedata.ticket",
               roles={R.SERVICE_MANAGER, R.SERVICE_STAFF, R.PROJECT_MANAGER, R.TSD_DIRECTOR, R.GENERAL_MANAGER})
navigation.add("monitoring", _("Service data (tickets)"), "servicedata:ticket_list", "servicedata.ticket",
               roles={R.SERVICE_STAFF})
navigation.add("monitoring", _("Outages"), "servicedata:outage_list", "servicedata.outage",
               roles={R.SERVICE_STAFF})
navigation.add("monitoring", _("Maintenance windows"), "servicedata:maintenancewindow_list",
               "servicedata.maintenancewindow",
               roles={R.SERVICE_STAFF})
navigation.add("monitoring", _("Import jobs"), "servicedata:importjob_list", "servicedata.importjob",
               roles={R.SERVICE_STAFF})
