import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import PresalesProposal, ProposalLine, ServiceRequirement, StaffSkill

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ServiceRequirementTable(ControlledRecordTable):
    customer = tables.Column(verbose_name=_("customer"))
    kind = tables.Column(verbose_name=_("kind"))

    class Meta(ControlledRecordTable.Meta):
        model = ServiceRequirement
        fields = ("number", "version", "title", "customer", "kind", "status", "author", "updated")


class PresalesProposalTable(ControlledRecordTable):
    customer = tables.Column(verbose_name=_("customer"))
    requirement = tables.Column(verbose_name=_("service requirement"), accessor="requirement__number")
    fit = tables.Column(verbose_name=_("fit check"), accessor="fit_check", orderable=False)

    class Meta(ControlledRecordTable.Meta):
        model = PresalesProposal
        fields = ("number", "version", "title", "customer", "requirement", "status", "fit", "author", "updated")

    def render_fit(self, value, record):
        if not value:
            return "—"
        misses = value.get("misses", 0)
        return _("all met") if not misses else _("%(n)s not met") % {"n": misses}


class ProposalLineTable(tables.Table):
    proposal = tables.Column(linkify=True, verbose_name=_("pre-sales proposal"))
    service = tables.Column(verbose_name=_("service"))
    tier = tables.Column(verbose_name=_("tier"), accessor="tier__name")

    class Meta:
        model = ProposalLine
        attrs = ATTRS
        fields = ("proposal", "service", "tier", "availability_target", "price")


class StaffSkillTable(tables.Table):
    user = tables.Column(verbose_name=_("staff member"))
    skill = tables.Column(linkify=True, verbose_name=_("skill"))

    class Meta:
        model = StaffSkill
        attrs = ATTRS
        fields = ("skill", "level", "user", "free_capacity_percent", "notes")
