"""The contract stage's work-queue sources (core.worklist), each to the people who take the step:

* an approved pre-sales proposal without a contract → Sales drafts the contract from it;
* an approved contract without a passed review → Sales starts the contract review (the prefilled form);
* a contract review collecting opinions → the members of each department whose opinion is still missing;
* an approved contract with a passed review and an approved SLA → Sales signs it (the contract page).
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _t

from core.choices import RecordStatus
from core.worklist import Item, Kind, does_daily, register
from presales.models import PresalesProposal

from .choices import ReviewStatus, SignedStatus
from .models import Contract, ContractReview, ReviewOpinion, ServiceLevelAgreement


def _latest_approved(user):
    """Approved contract versions that are the latest of their number, in the user's reach."""
    return Contract.objects.restrict(user, "view").filter(status=SignedStatus.APPROVED).latest_versions() \
        .select_related("customer").order_by("number")


@register
def contracts_to_review_and_sign(user, today):
    may_review, may_sign = does_daily(user, ContractReview, "add"), does_daily(user, Contract, "sign")
    if not (may_review and may_sign):  # Sales carries the contract from approval to signature
        return
    contracts = list(_latest_approved(user)[:50])
    if not contracts:
        return
    reviews = {}
    for review in ContractReview.objects.filter(contract__in=contracts).order_by("version"):
        reviews.setdefault(review.contract_id, []).append(review)
    approved_slas = set(ServiceLevelAgreement.objects.filter(contract__in=contracts, status=SignedStatus.APPROVED)
                        .values_list("contract_id", flat=True))
    for contract in contracts:
        label = {"contract": contract.number, "customer": contract.customer}
        own = reviews.get(contract.pk, [])
        if any(review.status == ReviewStatus.APPROVED for review in own):
            if contract.pk in approved_slas:
                yield Item(f"sign:contract={contract.number}:v{contract.version}", Kind.WRITE,
                           _t("Sign the contract %(contract)s · %(customer)s") % label,
                           reverse("contracts:contract_sign", args=[contract.pk]), record=contract)
        elif not own:
            yield Item(f"contract_review:contract={contract.number}:v{contract.version}", Kind.WRITE,
                       _t("Start the contract review of %(contract)s · %(customer)s") % label,
                       f"{reverse('contracts:contractreview_add')}?contract={contract.pk}", record=contract)


@register
def opinions_owed(user, today):
    """Reviews collecting opinions where the user's department has not given its own yet."""
    if not user.department_id or not does_daily(user, ReviewOpinion, "change"):
        return
    missing = ReviewOpinion.objects.filter(department_id=user.department_id, verdict="",
                                           review__status=ReviewStatus.IN_REVIEW) \
        .select_related("review", "review__contract", "department")
    for opinion in missing[:50]:
        review = opinion.review
        yield Item(f"opinion:{opinion.pk}", Kind.APPROVE,
                   _t("Give the opinion of %(department)s on the review of %(contract)s")
                   % {"department": opinion.department, "contract": review.contract.number},
                   review.get_absolute_url(), record=review)


@register
def contracts_to_draft(user, today):
    """Approved proposals (latest versions) that no contract was drafted from yet."""
    if not does_daily(user, Contract, "add"):
        return
    proposals = PresalesProposal.objects.restrict(user, "view").filter(status=RecordStatus.APPROVED) \
        .latest_versions().filter(~Exists(Contract.objects.filter(proposal__number=OuterRef("number")))) \
        .select_related("customer").order_by("number")
    for proposal in proposals[:50]:
        yield Item(f"contract:proposal={proposal.number}:v{proposal.version}", Kind.WRITE,
                   _t("Draft the contract from the proposal %(proposal)s · %(customer)s")
                   % {"proposal": proposal.number, "customer": proposal.customer},
                   reverse("contracts:contract_from_proposal", args=[proposal.pk]), record=proposal)
