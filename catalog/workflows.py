"""The service tier (SLA template) as a controlled record type: "catalogue changes are controlled records"."""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare, review_flow
from core.registry import SERVICE_DEPT, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import Condition, edit_record, generic_review_workflow

from .choices import Priority


def has_all_priority_targets(tier, user):
    return set(tier.priority_targets.values_list("priority", flat=True)) >= set(Priority.values)


ALL_PRIORITIES = Condition(has_all_priority_targets,
                           _("Give a response and resolution target for every priority (P1–P4) before submitting."),
                           fix=edit_record)

TIER_WORKFLOW = generic_review_workflow(submit_conditions=(ALL_PRIORITIES,))

registry.declare(RecordType("service_tier", _("Service level tier (SLA template)"), SERVICE_DEPT, "SP-SLT",
                            spec="SP-1.3"))
registry.bind("service_tier", "catalog.ServiceTier", TIER_WORKFLOW)


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# Families and services are master data; a tier (SLA template) is a controlled record approved by the
# Service Department manager or the TSD director; its rows are written with it. Calendars are kept by
# administrators and the Technical Service Division; frozen calendar versions are written by the service only.
CATALOG_EDITORS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN}
CATALOG_APPROVERS = {R.SERVICE_MANAGER, R.TSD_DIRECTOR}
CALENDAR_EDITORS = {R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN}
declare({
    "catalog.servicefamily": crud(CATALOG_EDITORS, delete=CATALOG_APPROVERS | {R.ADMIN}),
    "catalog.service": crud(CATALOG_EDITORS, delete=CATALOG_APPROVERS | {R.ADMIN}),
    "catalog.servicetier": review_flow(CATALOG_EDITORS, CATALOG_APPROVERS),
    "catalog.prioritytarget": crud(CATALOG_EDITORS),
    "catalog.skillrequirement": crud(CATALOG_EDITORS),
    "catalog.calendar": crud(CALENDAR_EDITORS),
    "catalog.workinghours": crud(CALENDAR_EDITORS),
    "catalog.calendarday": crud(CALENDAR_EDITORS),
    "catalog.calendarversion": {"view": READ_ALL},
})
navigation.add("presales", _("Service catalogue"), "catalog:service_list", "catalog.service",
               roles={R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.TSD_STAFF})
navigation.add("presales", _("Service level tiers (SLA templates)"), "catalog:servicetier_list",
               "catalog.servicetier", roles={R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.SALES})
navigation.add("presales", _("Service families"), "catalog:servicefamily_list", "catalog.servicefamily",
               roles={R.TSD_STAFF})
navigation.add("admin", _("Business calendars"), "catalog:calendar_list", "catalog.calendar",
               roles={R.ADMIN, R.SERVICE_STAFF})
