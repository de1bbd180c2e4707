"""The contract stage's forward actions (core.extensions): an approved contract without a review gets
"Start contract review" (the review form with the contract chosen)."""

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.extensions import Action, register_action
from core.permissions import allowed

from .choices import SignedStatus
from .models import ContractReview


def contract_next(contract, user):
    if contract.status == SignedStatus.APPROVED and contract.is_latest \
            and not ContractReview.objects.filter(contract=contract).exists() \
            and allowed(user, ContractReview(contract=contract, customer_id=contract.customer_id), "add"):
        yield Action(_t("Start contract review"), f"{reverse('contracts:contractreview_add')}?contract={contract.pk}",
                     "clipboard-check", "start-review")


def register():
    register_action("contracts.contract", contract_next)
