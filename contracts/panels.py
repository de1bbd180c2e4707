"""What contracts adds to earlier stages' pages (registered in ContractsConfig.ready, never imported by them)."""

from django.urls import reverse

from core.choices import RecordStatus
from core.extensions import register_detail_panel
from core.permissions import allowed

from .models import Contract


def proposal_contracts(proposal, user):
    """For the proposal page: the contracts drafted from it and whether the user may draft one now."""
    return {"contracts": proposal.contracts.order_by("number", "-version"),
            "can_draft_contract": proposal.status == RecordStatus.APPROVED and allowed(user, Contract, "add"),
            "draft_contract_url": reverse("contracts:contract_from_proposal", args=[proposal.pk])}


def register():
    register_detail_panel("presales.presalesproposal", "contracts/panels/proposal_contracts.html", proposal_contracts)
