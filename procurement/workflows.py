"""Procurement's record types, workflows, permission rows and menu entries (SP-2.6).

Procurement plan 采购计划 (SP-PUR): draft → in review → approved (a major plan by Commerce only, others by the
Service Department manager or Commerce) → implemented (every item accepted; for a major plan Commerce approves the
implementation) ; returned / superseded as usual.

Tender 招标/谈判 (SP-TND): draft (bidders, criteria, evaluators) → bidding (the invitation issued, bids received until
the deadline) → evaluation (blind scoring) → award proposed (the winner, with a reason when not the best) → awarded
by Commerce (the winner and price written back to the plan's items); returned to evaluation with a comment.
"""

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import declare
from core.registry import COMMERCE_DEPT, SERVICE_DEPT, RecordType, registry
from core.roles import READ_ALL, STAFF
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    ApprovalRule,
    Condition,
    Transition,
    Workflow,
    edit_record,
    next_review_round,
    open_record,
    open_related,
    set_approved,
    supersede_predecessors,
)

from .choices import PlanStatus as P
from .choices import TenderStatus as T


def _service(name):
    def call(record, user):
        from . import services

        return getattr(services, name)(record, user) if name == "may_approve" else getattr(services, name)(record)
    return call


def _tendering(name, *, effect=False):
    def call(record, user):
        from . import tendering

        function = getattr(tendering, name)
        return function(record, user) if effect else function(record)
    return call


def _open_purchases(plan, user):
    from .services import open_purchases

    open_purchases(plan, user)


def _supersede_plans(plan, user):
    supersede_predecessors(plan, user, states=(P.APPROVED, P.COMPLETED))


class Formatted:
    """A refusal naming a figure read from the settings when it is shown (the threshold, the bids needed)."""

    def __init__(self, msgid, params):
        self.msgid, self.params = msgid, params

    def __str__(self):
        return gettext(self.msgid) % self.params()


def _amount():
    from .models import major_amount, money

    return {"amount": money(major_amount())}


def _minimum(name):
    def params():
        from . import tendering

        return {"count": getattr(tendering, name)()}
    return params


HAS_ITEMS = Condition(_service("has_items"), _("List the items to buy."), fix=edit_record)
BY_COMMERCE = Condition(_service("may_approve"), Formatted(gettext_noop(
    "A major procurement plan (budget of %(amount)s CNY or more) is approved by the Commerce Department."), _amount))
IMPLEMENTATION_BY_COMMERCE = Condition(_service("may_approve"), Formatted(gettext_noop(
    "The implementation of a major procurement plan (budget of %(amount)s CNY or more) is approved by the "
    "Commerce Department."), _amount))
ALL_ACCEPTED = Condition(_service("every_item_accepted"), _("Every item must be delivered and accepted first."),
                         fix=open_record)

PLAN_WORKFLOW = Workflow(
    states=P,
    initial=P.DRAFT,
    transitions=(
        Transition("submit", _("Submit for approval"), (P.DRAFT, P.RETURNED), P.IN_REVIEW, conditions=(HAS_ITEMS,),
                   effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (P.IN_REVIEW,), P.DRAFT, style="secondary", only_submitter=True),
        Transition("approve", _("Approve"), (P.IN_REVIEW,), P.APPROVED, conditions=(NOT_AUTHOR, HAS_ITEMS, BY_COMMERCE),
                   approval=ApprovalRule(), effects=(set_approved, _open_purchases, _supersede_plans),
                   style="success", decides=True),
        Transition("return", _("Return for rework"), (P.IN_REVIEW,), P.RETURNED, comment_required=True,
                   style="warning", decides=True),
        Transition("complete", _("Approve the implementation"), (P.APPROVED,), P.COMPLETED,
                   conditions=(ALL_ACCEPTED, IMPLEMENTATION_BY_COMMERCE), style="success"),
    ),
    frozen_states=(P.APPROVED, P.COMPLETED),
)

registry.declare(RecordType("procurement_plan", _("Procurement plan"), SERVICE_DEPT, "SP-PUR", spec="SP-2.6"))
registry.bind("procurement_plan", "procurement.ProcurementPlan", PLAN_WORKFLOW,
              scope={"project": "project", "contract": "contract", "customer": "contract__customer"})


PLAN_APPROVED = Condition(_tendering("plan_in_force"), _("The procurement plan must be approved first."),
                          fix=open_related(lambda tender: tender.plan))
CRITERIA = Condition(_tendering("criteria_ready"), _("List the evaluation criteria; their weights add up to 100."),
                     fix=edit_record)
EVALUATORS = Condition(_tendering("evaluators_ready"), Formatted(gettext_noop(
    "Name at least %(count)s evaluators."), _minimum("min_evaluators")), fix=edit_record)
INVITED = Condition(_tendering("bidders_ready"), Formatted(gettext_noop(
    "Invite at least %(count)s bidders (an open tender may invite none: its bidders come forward)."),
    _minimum("min_bids")), fix=edit_record)
BIDS = Condition(_tendering("enough_bids"), Formatted(gettext_noop(
    "At least %(count)s bids must be received (with fewer, run the tender again)."), _minimum("min_bids")),
    fix=open_record)
DEADLINE = Condition(_tendering("deadline_reached"), _("The bids are opened on or after the bid deadline."))
SCORED = Condition(_tendering("is_complete"), _("Every evaluator must score every bid first."), fix=open_record)
def _propose_page(tender, user):
    from django.urls import reverse

    return gettext("Propose the winner"), reverse("procurement:tender_propose", args=[tender.pk])


PROPOSED = Condition(_tendering("proposal_ready"), _("Propose the winner (with the reason when it is not the best "
                                                     "ranked bid)."), fix=_propose_page)
WINNER_SUPPLIER = Condition(_tendering("winner_is_supplier"), _("The winning bidder must be in the supplier "
                                                                "register: name its supplier on the bid."),
                            fix=open_record)
ITEMS_OPEN = Condition(_tendering("items_open"), _("The award is written to the plan in force, whose tendered items "
                                                   "must not be ordered yet."), fix=open_related(lambda t: t.plan))

TENDER_WORKFLOW = Workflow(
    states=T,
    initial=T.DRAFT,
    transitions=(
        Transition("invite", _("Issue the invitation"), (T.DRAFT,), T.BIDDING,
                   conditions=(PLAN_APPROVED, CRITERIA, EVALUATORS, INVITED),
                   effects=(_tendering("set_invited_on", effect=True),)),
        Transition("close", _("Close the bidding and evaluate"), (T.BIDDING,), T.EVALUATION,
                   conditions=(BIDS, DEADLINE)),
        Transition("propose", _("Propose the winner"), (T.EVALUATION,), T.IN_REVIEW, conditions=(SCORED, PROPOSED),
                   effects=(next_review_round,), page="procurement:tender_propose"),
        Transition("approve", _("Approve the award"), (T.IN_REVIEW,), T.AWARDED,
                   conditions=(NOT_AUTHOR, SCORED, PROPOSED, WINNER_SUPPLIER, ITEMS_OPEN), approval=ApprovalRule(),
                   effects=(set_approved, _tendering("award", effect=True), supersede_predecessors),
                   style="success", decides=True),
        Transition("return", _("Return to the evaluation"), (T.IN_REVIEW,), T.EVALUATION, comment_required=True,
                   style="warning", decides=True),
    ),
    editable_states=(T.DRAFT,),
    frozen_states=(T.AWARDED,),
)

registry.declare(RecordType("tender", _("Tender or negotiation"), COMMERCE_DEPT, "SP-TND", spec="SP-2.6"))
registry.bind("tender", "procurement.Tender", TENDER_WORKFLOW,
              scope={"project": "plan__project", "contract": "plan__contract", "customer": "plan__contract__customer"})

PLANNERS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER, R.COMMERCE, R.ADMIN}
PLAN_APPROVERS = {R.SERVICE_MANAGER, R.COMMERCE}
# Whoever buys and accepts deliveries (the same people suppliers lets record a supplier's performance).
IMPLEMENTERS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER, R.COMMERCE, R.ADMIN}
TENDERERS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.COMMERCE, R.ADMIN}
NOBODY = frozenset()
declare({
    "procurement.procurementplan": {
        "view": READ_ALL, "add": PLANNERS, "change": PLANNERS, "delete": PLANNERS, "submit": PLANNERS,
        "withdraw": PLANNERS, "approve": PLAN_APPROVERS, "return": PLAN_APPROVERS, "complete": PLAN_APPROVERS,
    },
    "procurement.procurementitem": {"view": READ_ALL, "add": PLANNERS, "change": PLANNERS, "delete": PLANNERS},
    # Opened by the plan's approval; never deleted by hand. Exceptions to the qualified list: Commerce decides.
    "procurement.purchase": {"view": READ_ALL, "add": IMPLEMENTERS | PLAN_APPROVERS, "change": IMPLEMENTERS,
                             "delete": NOBODY, "approve_exception": {R.COMMERCE}},
    "procurement.tender": {
        "view": READ_ALL, "add": TENDERERS, "change": TENDERERS, "delete": TENDERERS, "invite": TENDERERS,
        "close": TENDERERS, "propose": TENDERERS, "approve": {R.COMMERCE}, "return": {R.COMMERCE},
    },
    "procurement.tendercriterion": {"view": READ_ALL, "add": TENDERERS, "change": TENDERERS, "delete": TENDERERS},
    "procurement.tenderevaluator": {"view": READ_ALL, "add": TENDERERS, "change": TENDERERS, "delete": TENDERERS},
    "procurement.bid": {"view": READ_ALL, "add": TENDERERS, "change": TENDERERS, "delete": TENDERERS},
    # Any of the company's people may be named an evaluator; the service admits only the tender's evaluators and
    # BidScore.restrict_rows keeps scores blind.
    "procurement.bidscore": {"view": READ_ALL, "add": STAFF, "change": STAFF, "delete": NOBODY},
})

navigation.add("commerce", _("Procurement plans"), "procurement:procurementplan_list", "procurement.procurementplan",
               roles={R.COMMERCE, R.SERVICE_MANAGER})
navigation.add("commerce", _("Tenders and negotiations"), "procurement:tender_list", "procurement.tender",
               roles={R.COMMERCE})
