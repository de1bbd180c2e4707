"""The service tier (SLA template) as a controlled record type: "catalogue changes are controlled records"."""

from django.utils.translation import gettext_lazy as _

from core.registry import SERVICE_DEPT, RecordType, registry
from core.workflow import Condition, generic_review_workflow

from .choices import Priority


def has_all_priority_targets(tier, user):
    return set(tier.priority_targets.values_list("priority", flat=True)) >= set(Priority.values)


ALL_PRIORITIES = Condition(has_all_priority_targets,
                           _("Give a response and resolution target for every priority (P1–P4) before submitting."))

TIER_WORKFLOW = generic_review_workflow(submit_conditions=(ALL_PRIORITIES,))

registry.declare(RecordType("service_tier", _("Service level tier (SLA template)"), SERVICE_DEPT, "SP-SLT",
                            spec="SP-1.3"))
registry.bind("service_tier", "catalog.ServiceTier", TIER_WORKFLOW)
