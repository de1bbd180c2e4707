from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import allowed


@dataclass
class Stage:
    code: str
    label: str
    spec: str
    record_types: tuple = ()
    items: list = field(default_factory=list)


STAGES = [
    Stage("presales", _("Pre-sales"), "SP-4.1", ("presales_proposal",)),
    Stage("contract", _("Contract"), "SP-4.2", ("service_contract", "sla", "contract_review")),
    Stage("planning", _("Planning"), "SP-4.3", ("initiation_application", "initiation_plan", "project_plan")),
    Stage("implementation", _("Implementation"), "SP-4.4", ("work_plan",)),
    Stage("monitoring", _("Monitoring & improvement"), "SP-4.5",
          ("monthly_report", "meeting_minutes", "summary_report", "acceptance_certificate")),
    Stage("records", _("Records"), "SP-5"),
    Stage("admin", _("Organisation"), "SP-2"),
]
_BY_CODE = {s.code: s for s in STAGES}


def add(stage, label, url_name, model_label):
    _BY_CODE[stage].items.append((label, url_name, model_label))


def menu_for(user):
    from django.apps import apps

    from .registry import registry

    menu = []
    for stage in STAGES:
        entries = [(label, reverse(url_name)) for label, url_name, model_label in stage.items
                   if allowed(user, apps.get_model(model_label), "view")]
        for code in stage.record_types:
            record_type = registry[code]
            if not record_type.implemented:
                entries.append((record_type.label, f"{reverse('core:register')}?record_type={code}"))
        menu.append((stage, entries))
    return menu


add("records", _("Record register"), "core:register", "core.recordindex")
add("records", _("Procedure documents"), "documents:proceduredocument_list", "documents.proceduredocument")
add("records", _("Audit trail"), "core:audit", "core.auditentry")
add("presales", _("Customers"), "customers:customer_list", "customers.customer")
add("presales", _("Service requirements"), "presales:servicerequirement_list", "presales.servicerequirement")
add("presales", _("Pre-sales proposals"), "presales:presalesproposal_list", "presales.presalesproposal")
add("presales", _("Staff skills and capacity"), "presales:staffskill_list", "presales.staffskill")
add("presales", _("Service catalogue"), "catalog:service_list", "catalog.service")
add("presales", _("Service level tiers (SLA templates)"), "catalog:servicetier_list", "catalog.servicetier")
add("presales", _("Service families"), "catalog:servicefamily_list", "catalog.servicefamily")
add("admin", _("Business calendars"), "catalog:calendar_list", "catalog.calendar")
add("contract", _("Service contracts"), "contracts:contract_list", "contracts.contract")
add("contract", _("Service level agreements"), "contracts:servicelevelagreement_list",
    "contracts.servicelevelagreement")
add("contract", _("Contract review records"), "contracts:contractreview_list", "contracts.contractreview")
add("monitoring", _("SLA dashboards"), "servicedata:sla_overview", "servicedata.ticket")
add("monitoring", _("Service data (tickets)"), "servicedata:ticket_list", "servicedata.ticket")
add("monitoring", _("Outages"), "servicedata:outage_list", "servicedata.outage")
add("monitoring", _("Maintenance windows"), "servicedata:maintenancewindow_list", "servicedata.maintenancewindow")
add("monitoring", _("Import jobs"), "servicedata:importjob_list", "servicedata.importjob")
add("planning", _("Projects"), "projects:project_list", "projects.project")
add("planning", _("Project initiation applications"), "projects:initiationapplication_list",
    "projects.initiationapplication")
add("planning", _("Project initiation plans"), "projects:initiationplan_list", "projects.initiationplan")
add("planning", _("Project plans"), "projects:projectplan_list", "projects.projectplan")
add("planning", _("Plan reviews"), "projects:planreview_list", "projects.planreview")
add("planning", _("Annual goals"), "strategy:annualgoals_list", "strategy.annualgoals")
add("implementation", _("Project work plans"), "projects:workplan_list", "projects.workplan")
add("implementation", _("Work plan change requests"), "projects:changerequest_list", "projects.changerequest")
add("monitoring", _("Monthly service reports"), "reporting:monthlyservicereport_list",
    "reporting.monthlyservicereport")
add("monitoring", _("Report profiles"), "reporting:reportprofile_list", "reporting.reportprofile")
add("monitoring", _("Internal service reports"), "reporting:internalservicereport_list",
    "reporting.internalservicereport")
add("monitoring", _("Quality meetings"), "reporting:qualitymeeting_list", "reporting.qualitymeeting")
add("monitoring", _("Meeting minutes"), "reporting:meetingminutes_list", "reporting.meetingminutes")
add("monitoring", _("Meeting actions"), "reporting:actionitem_list", "reporting.actionitem")
add("admin", _("Departments"), "org:department_list", "org.department")
add("admin", _("Users"), "org:user_list", "org.user")
add("admin", _("Delegations"), "org:delegation_list", "org.delegation")
add("admin", _("Permission matrix"), "core:permissions", "core.recordindex")
add("admin", _("Numbering schemes"), "core:numberingscheme_list", "core.numberingscheme")
