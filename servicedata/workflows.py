"""Who may bring in service data and recompute SLA clocks, the import profile record type, and the monitoring
menu entries.

Tickets arrive by import, API push, connector sync or webhook ("add"/"change"); recomputing clocks with a newer
calendar or SLA is a manager's explicit, audited step. An import profile (SP-IPF) is drafted by whoever imports and
approved by the Service Department manager: how a customer's data is read is part of the evidence behind every SLA
figure. Connectors and webhook endpoints hold credentials: the Service Department manager and the administrator set
them up; whoever imports may run a sync now.
"""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare, review_flow
from core.registry import PROJECT_TEAM, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import generic_review_workflow

SERVICE_DATA_EDITORS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER, R.ADMIN}
SOURCE_ADMINS = {R.SERVICE_MANAGER, R.ADMIN}
declare({
    "servicedata.ticket": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS, "change": SERVICE_DATA_EDITORS,
                           "recompute": {R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN}},
    "servicedata.importjob": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS},
    "servicedata.outage": crud(SERVICE_DATA_EDITORS),
    "servicedata.maintenancewindow": crud(SERVICE_DATA_EDITORS),
    "servicedata.qualityfinding": {"view": READ_ALL},
    "servicedata.importprofile": review_flow(SERVICE_DATA_EDITORS, {R.SERVICE_MANAGER}),
    "servicedata.profilecolumn": crud(SERVICE_DATA_EDITORS),
    "servicedata.profilevalue": crud(SERVICE_DATA_EDITORS),
    "servicedata.profilerule": crud(SERVICE_DATA_EDITORS),
    "servicedata.connector": {**crud(SOURCE_ADMINS), "sync": SERVICE_DATA_EDITORS},
    "servicedata.webhookendpoint": crud(SOURCE_ADMINS),
    "servicedata.ticketevent": {"view": READ_ALL},
})

registry.declare(RecordType("import_profile", _("Import profile"), PROJECT_TEAM, "SP-IPF", spec="SP-4.5.1"))
registry.bind("import_profile", "servicedata.ImportProfile", generic_review_workflow(),
              scope={"contract": "contract", "customer": "customer"})
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
navigation.add("monitoring", _("Import profiles"), "servicedata:importprofile_list", "servicedata.importprofile",
               roles={R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER})
navigation.add("monitoring", _("Connectors"), "servicedata:connector_list", "servicedata.connector",
               roles={R.SERVICE_MANAGER, R.ADMIN})
