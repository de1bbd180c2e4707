"""The pre-sales stage's work-queue source (core.worklist): an approved service requirement without a proposal
goes to the Service Department, who drafts the proposal (the form opens with the requirement chosen)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _t

from core.choices import RecordStatus
from core.worklist import Item, Kind, does_daily, register

from .models import PresalesProposal, ServiceRequirement


@register
def proposals_to_draft(user, today):
    if not does_daily(user, PresalesProposal, "add"):
        return
    requirements = ServiceRequirement.objects.restrict(user, "view").filter(status=RecordStatus.APPROVED) \
        .latest_versions().filter(~Exists(PresalesProposal.objects.filter(requirement=OuterRef("pk")))) \
        .select_related("customer").order_by("number")
    for requirement in requirements[:50]:
        yield Item(f"proposal:requirement={requirement.number}:v{requirement.version}", Kind.WRITE,
                   _t("Draft the proposal for %(requirement)s · %(customer)s")
                   % {"requirement": requirement.number, "customer": requirement.customer},
                   f"{reverse('presales:presalesproposal_add')}?requirement={requirement.pk}", record=requirement)
