import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet, SearchFilterSet

from .models import PresalesProposal, ProposalLine, ServiceRequirement, StaffSkill


class ServiceRequirementFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "customer__name", "goals", "scope")

    class Meta:
        model = ServiceRequirement
        fields = ["q", "status", "customer", "kind", "created_after", "created_before"]


class PresalesProposalFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "customer__name", "requirement__number")

    class Meta:
        model = PresalesProposal
        fields = ["q", "status", "customer", "requirement", "created_after", "created_before"]


class ProposalLineFilterSet(SearchFilterSet):
    search_fields = ("service__name", "tier__name", "notes")

    class Meta:
        model = ProposalLine
        fields = ["q", "proposal", "service"]


class StaffSkillFilterSet(SearchFilterSet):
    search_fields = ("skill", "user__username", "user__last_name", "user__first_name", "notes")
    min_free = django_filters.NumberFilter(field_name="free_capacity_percent", lookup_expr="gte",
                                           label=_("free capacity at least (%)"))

    class Meta:
        model = StaffSkill
        fields = ["q", "user", "level", "min_free"]
