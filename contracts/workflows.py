"""Workflows of the contract stage, declared in one place (enforced by core.workflow).

Contract: draft → in review → approved → signed → superseded. Sales signs, only with a passed contract
review of this version and an approved SLA; signing signs the SLA too and supersedes the earlier version.
SLA: reviewed with its contract. Submitting, withdrawing, approving or returning the contract does the same to its
SLA (one action for the user; the SLA's own workflow records each step and its audit), so signing never waits on a
separate record. An SLA revised on its own (a signed contract's SLA) is still reviewed on its own page.
Contract review: submitted to collect the required departments' opinions; it passes (automatically when
the last opinion makes the rule true, see contracts.review) only when every required department agreed.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from catalog.choices import Priority
from core import display, navigation, scopes
from core.permissions import crud, declare, review_flow
from core.registry import SALES_DEPT, RecordType, registry
from core.roles import READ_ALL_AND_CUSTOMER
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    ApprovalRule,
    Condition,
    Transition,
    Workflow,
    next_review_round,
    set_approved,
    supersede_predecessors,
)

from . import review as review_rule
from .choices import ReviewStatus, SignedStatus

S = SignedStatus


# ---- conditions -----------------------------------------------------------------------------------

def has_complete_sla(contract, user):
    sla = contract.sla()
    return sla is not None and set(sla.priority_targets.values_list("priority", flat=True)) >= set(Priority.values)


def milestones_add_up(contract, user):
    amounts = list(contract.milestones.values_list("amount", flat=True))
    return sum(amounts) == contract.value if amounts else not contract.value


def review_passed(contract, user):
    from .models import ContractReview

    return ContractReview.objects.filter(contract=contract, status=ReviewStatus.APPROVED).exists()


def sla_approved(contract, user):
    sla = contract.sla()
    return sla is not None and sla.status == S.APPROVED


def sla_targets_complete(sla, user):
    return set(sla.priority_targets.values_list("priority", flat=True)) >= set(Priority.values)


def after_predecessor(sla, user):
    return sla.takes_effect_after_predecessor()


def contract_signed(sla, user):
    return sla.contract.status == S.SIGNED


def sla_ready_for_review(contract, user):
    """The SLA (when the contract has one) can go into review with it: every target, a later effective date."""
    sla = contract.sla()
    return sla is None or sla.status not in (S.DRAFT, S.RETURNED) \
        or (sla_targets_complete(sla, user) and after_predecessor(sla, user))


# ---- where each refusal is fixed (label, url) ---------------------------------------------------------

def open_sla(contract, user):
    sla = contract.sla()
    if sla is None:
        return _t("Draft the SLA"), reverse("contracts:servicelevelagreement_add") + f"?contract={contract.pk}"
    return _t("Open %(number)s") % {"number": sla.number}, sla.get_absolute_url()


def edit_sla(sla, user):
    return _t("Edit %(number)s") % {"number": sla.number}, reverse("contracts:servicelevelagreement_edit",
                                                                   args=[sla.pk])


def edit_contract(contract, user):
    return _t("Edit %(number)s") % {"number": contract.number}, reverse("contracts:contract_edit", args=[contract.pk])


def open_contract_of(sla, user):
    return _t("Open %(number)s") % {"number": sla.contract.number}, sla.contract.get_absolute_url()


def open_review(contract, user):
    from .models import ContractReview

    review = ContractReview.objects.filter(contract=contract).exclude(status=ReviewStatus.SUPERSEDED) \
        .order_by("-pk").first()
    if review is not None:
        return _t("Open %(number)s") % {"number": review.number}, review.get_absolute_url()
    return _t("Start the contract review"), reverse("contracts:contractreview_add") + f"?contract={contract.pk}"


def open_review_opinions(review, user):
    return _t("Open %(number)s") % {"number": review.number}, review.get_absolute_url()


HAS_SLA = Condition(has_complete_sla, _("The contract needs its SLA with a target for every priority (P1–P4)."),
                    fix=open_sla)
SLA_READY = Condition(sla_ready_for_review, _("The contract's SLA is reviewed with it: give it a target for every "
                                              "priority (P1–P4) and, for a change, a later effective date."),
                      fix=open_sla)
MILESTONES = Condition(milestones_add_up, _("The payment milestones must add up to the contract value."),
                       fix=edit_contract)
REVIEW_PASSED = Condition(review_passed, _("A passed contract review of this version is needed before signing."),
                          fix=open_review)
SLA_APPROVED = Condition(sla_approved, _("The contract's SLA is not approved (it is approved with the contract)."),
                         fix=open_sla)
SLA_TARGETS = Condition(sla_targets_complete, _("Give a response and resolution target for every priority (P1–P4) "
                                                "before submitting."), fix=edit_sla)
AFTER_PREDECESSOR = Condition(after_predecessor, _("A changed SLA must take effect after the SLA it replaces: set a "
                                                   "later effective date."), fix=edit_sla)
WITH_CONTRACT = Condition(contract_signed, _("An SLA is signed together with its contract: sign the contract."),
                          fix=open_contract_of)
RULE_MET = Condition(review_rule.passes, _("Every required department must agree before the review passes."),
                     fix=open_review_opinions)


# ---- effects --------------------------------------------------------------------------------------

def _supersede_earlier(record, user):
    """Earlier versions still approved or signed become superseded (they stay readable)."""
    supersede_predecessors(record, user, states=(S.APPROVED, S.SIGNED))


def record_signature(contract, user):
    """The contract is concluded on the day the last party signed (contracts.services.sign_contract recorded who
    signed for each party first); signing without them is refused, so the printed contract never lacks them."""
    from core.workflow import WorkflowError

    dates = list(contract.signatories.values_list("signed_on", flat=True))
    if len(dates) < 2:
        raise WorkflowError(_t("Record who signed for each party, with their title and date: use “Sign…” on the "
                               "contract's page."))
    type(contract).objects.filter(pk=contract.pk).update(signed_on=max(dates), signed_by=user)


def sign_sla(contract, user):
    from core.workflow import fire

    sla = contract.sla()
    fire(sla, "sign", user, display.message(gettext_noop("Signed with contract %(contract)s v%(v)s."),
                                     contract=contract.number, v=contract.version))


def with_contract(transition, sources, comment):
    """An effect of a contract transition: the contract's SLA, when in one of `sources`, takes the same step through
    its own workflow (its log and audit name the contract), so the SLA is reviewed with its contract."""
    def carry(contract, user):
        from core.workflow import fire

        sla = contract.sla()
        if sla is not None and sla.status in sources:
            fire(sla, transition, user, str(comment) % {"contract": contract.number, "v": contract.version})
    carry.__name__ = f"sla_{transition}_with_contract"
    return carry


SUBMIT_SLA = with_contract("submit", (S.DRAFT, S.RETURNED), _("Submitted with contract %(contract)s v%(v)s."))
WITHDRAW_SLA = with_contract("withdraw", (S.IN_REVIEW,), _("Withdrawn with contract %(contract)s v%(v)s."))
APPROVE_SLA = with_contract("approve", (S.IN_REVIEW,), _("Approved with contract %(contract)s v%(v)s."))
RETURN_SLA = with_contract("return", (S.IN_REVIEW,), _("Returned with contract %(contract)s v%(v)s."))


def sla_signed_on(sla, user):
    """Signed the day its contract was concluded."""
    concluded = type(sla.contract).objects.filter(pk=sla.contract_id).values_list("signed_on", flat=True).first()
    type(sla).objects.filter(pk=sla.pk).update(signed_on=concluded or timezone.localdate())


def request_opinions(review, user):
    from .services import ensure_opinions

    ensure_opinions(review, user)


# ---- workflows ------------------------------------------------------------------------------------

def _review_steps(submit_conditions=(), approve_conditions=(NOT_AUTHOR,), carried=()):
    """The review steps; `carried` = (submit, withdraw, approve, return) effects that take a dependent record along."""
    submit, withdraw, approve, give_back = carried or ((), (), (), ())
    return (
        Transition("submit", _("Submit for review"), (S.DRAFT, S.RETURNED), S.IN_REVIEW,
                   conditions=submit_conditions, effects=(next_review_round, *submit)),
        Transition("withdraw", _("Withdraw"), (S.IN_REVIEW,), S.DRAFT, style="secondary", only_submitter=True,
                   effects=tuple(withdraw)),
        Transition("approve", _("Approve"), (S.IN_REVIEW,), S.APPROVED, conditions=approve_conditions,
                   approval=ApprovalRule(), effects=(set_approved, *approve), style="success", decides=True),
        Transition("return", _("Return for rework"), (S.IN_REVIEW,), S.RETURNED, comment_required=True,
                   style="warning", decides=True, effects=tuple(give_back)),
    )


CONTRACT_WORKFLOW = Workflow(
    states=SignedStatus, initial=S.DRAFT,
    transitions=(*_review_steps(submit_conditions=(MILESTONES, SLA_READY),
                                carried=((SUBMIT_SLA,), (WITHDRAW_SLA,), (APPROVE_SLA,), (RETURN_SLA,))),
                 Transition("sign", _("Sign"), (S.APPROVED,), S.SIGNED,
                            conditions=(REVIEW_PASSED, HAS_SLA, SLA_APPROVED), page="contracts:contract_sign",
                            effects=(record_signature, sign_sla, _supersede_earlier), style="success")),
    frozen_states=(S.APPROVED, S.SIGNED))

SLA_WORKFLOW = Workflow(
    states=SignedStatus, initial=S.DRAFT,
    transitions=(*_review_steps(submit_conditions=(SLA_TARGETS, AFTER_PREDECESSOR)),
                 Transition("sign", _("Sign"), (S.APPROVED,), S.SIGNED, conditions=(WITH_CONTRACT,),
                            effects=(sla_signed_on, _supersede_earlier), style="success")),
    frozen_states=(S.APPROVED, S.SIGNED))

REVIEW_WORKFLOW = Workflow(
    states=ReviewStatus, initial=ReviewStatus.DRAFT,
    transitions=(
        Transition("submit", _("Ask for opinions"), (ReviewStatus.DRAFT, ReviewStatus.RETURNED),
                   ReviewStatus.IN_REVIEW, effects=(next_review_round, request_opinions)),
        Transition("withdraw", _("Withdraw"), (ReviewStatus.IN_REVIEW,), ReviewStatus.DRAFT, style="secondary",
                   only_submitter=True),
        Transition("approve", _("Record as passed"), (ReviewStatus.IN_REVIEW,), ReviewStatus.APPROVED,
                   conditions=(RULE_MET,), effects=(set_approved, supersede_predecessors), style="success",
                   decides=True),
        Transition("return", _("Return for rework"), (ReviewStatus.IN_REVIEW,), ReviewStatus.RETURNED,
                   comment_required=True, style="warning", decides=True),
    ))

CONTRACT_SCOPE = {"contract": "contract"}
registry.bind("service_contract", "contracts.Contract", CONTRACT_WORKFLOW, scope={"contract": ""})
registry.declare(RecordType("sla", _("Service level agreement"), SALES_DEPT, "SP-SLA", spec="SP-1.3"))
registry.bind("sla", "contracts.ServiceLevelAgreement", SLA_WORKFLOW, scope=CONTRACT_SCOPE)
registry.bind("contract_review", "contracts.ContractReview", REVIEW_WORKFLOW, scope=CONTRACT_SCOPE)


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# Sales drafts contracts and SLAs and alone signs them (SP-2.7); the Service Department manager or the TSD
# director approves. The contract review (SP-4.2.1) passes by the rule in contracts/review.py, fired by the
# opinion that completes it, so whoever gives opinions may record the pass.
CONTRACT_EDITORS = {R.SALES, R.ADMIN}
CONTRACT_APPROVERS = {R.SERVICE_MANAGER, R.TSD_DIRECTOR}
REVIEW_ORGANISERS = {R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
OPINION_GIVERS = {R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.TSD_DIRECTOR, R.TSD_STAFF, R.SERVICE_MANAGER,
                  R.SERVICE_STAFF, R.COMMERCE, R.SALES}
declare({
    "contracts.contract": {**review_flow(CONTRACT_EDITORS, CONTRACT_APPROVERS, sign={R.SALES}),
                           "view": READ_ALL_AND_CUSTOMER},
    "contracts.contractservice": crud(CONTRACT_EDITORS),
    "contracts.paymentmilestone": crud(CONTRACT_EDITORS),
    "contracts.contractsignatory": crud({R.SALES}),
    "contracts.servicelevelagreement": {**review_flow(CONTRACT_EDITORS, CONTRACT_APPROVERS, sign={R.SALES}),
                                        "view": READ_ALL_AND_CUSTOMER},
    "contracts.slatarget": crud(CONTRACT_EDITORS, view=READ_ALL_AND_CUSTOMER),
    "contracts.contractreview": {**review_flow(REVIEW_ORGANISERS, OPINION_GIVERS), "return": CONTRACT_APPROVERS},
    "contracts.reviewopinion": {**crud(REVIEW_ORGANISERS), "change": OPINION_GIVERS},
})
navigation.add("contract", _("Service contracts"), "contracts:contract_list", "contracts.contract",
               roles={R.SALES, R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.COMMERCE, R.GENERAL_MANAGER})
navigation.add("contract", _("Service level agreements"), "contracts:servicelevelagreement_list",
               "contracts.servicelevelagreement",
               roles={R.SALES, R.SERVICE_MANAGER})
navigation.add("contract", _("Contract review records"), "contracts:contractreview_list", "contracts.contractreview",
               roles={R.SALES, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.COMMERCE, R.TSD_DIRECTOR})


# ---- shared with the customer (the customer's own view, portal) -------------------------------------------------
# A customer contact sees their organisation's contracts and SLAs once signed, with the SLA's targets; never a
# draft, a version in review or the contract review.
scopes.share("contracts.contract", lambda rows, user: rows.filter(status=SignedStatus.SIGNED))
scopes.share("contracts.servicelevelagreement", lambda rows, user: rows.filter(status=SignedStatus.SIGNED))
scopes.share("contracts.slatarget", lambda rows, user: rows.filter(sla__status=SignedStatus.SIGNED))
