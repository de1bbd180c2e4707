"""Work-queue sources of procurement (core.worklist): Commerce's contracts involving procurement with no plan and
exceptions to decide; each evaluator's bids to score; the tender's author: bids to open once the deadline passed;
deliveries late (ordered, not delivered by the date required) for the plan's author and Commerce; approved plans
whose items are all accepted, for whoever approves their implementation. Approvals waiting are core's own items."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _t

from contracts.models import Contract
from core.permissions import allowed
from core.roles import Role
from core.worklist import Item, Kind, register

from . import services, tendering
from .choices import ExceptionStatus, PlanStatus, TenderStatus
from .models import ProcurementPlan, Purchase, Tender
from .next_steps import draft_plan_url

SHOWN = 50
SUBMITTED = ("in_review", "approved", "signed")  # a contract past its draft, its review under way or done


@register
def contracts_without_plan(user, today):
    """Commerce: a contract involving procurement (its latest version submitted) with no procurement plan yet."""
    if Role.COMMERCE not in user.own_roles or not allowed(user, ProcurementPlan, "add"):
        return
    later = Contract.objects.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
    planned = ProcurementPlan.objects.filter(contract__number=OuterRef("number"))
    contracts = Contract.objects.restrict(user, "view").filter(involves_procurement=True, status__in=SUBMITTED) \
        .exclude(Exists(later)).exclude(Exists(planned)).order_by("number")
    for contract in contracts[:SHOWN]:
        review = contract.reviews.order_by("-version", "-pk").first()
        yield Item(f"procurement:plan-needed:{contract.number}", Kind.WRITE,
                   _t("Draft the procurement plan of contract %(number)s: %(title)s")
                   % {"number": contract.number, "title": contract.title},
                   draft_plan_url(contract, review), record=contract)


@register
def exceptions_to_decide(user, today):
    """Commerce: exceptions to the qualified supplier list asked for."""
    if Role.COMMERCE not in user.own_roles:
        return
    waiting = Purchase.objects.restrict(user, "view").filter(exception_status=ExceptionStatus.REQUESTED) \
        .select_related("item__plan", "exception_supplier").order_by("pk")
    for purchase in waiting[:SHOWN]:
        plan = purchase.item.plan
        yield Item(f"procurement:exception:{purchase.pk}:{purchase.exception_supplier_id}", Kind.APPROVE,
                   _t("Decide the exception for %(supplier)s (not qualified) on %(plan)s: %(item)s")
                   % {"supplier": purchase.exception_supplier, "plan": plan.number, "item": purchase.item.description},
                   plan.get_absolute_url() + f"#purchase-{purchase.pk}", record=plan)


@register
def bids_to_score(user, today):
    """An evaluator: the tenders in evaluation whose bids they have not all scored."""
    tenders = Tender.objects.filter(status=TenderStatus.EVALUATION, evaluators__user=user).distinct().order_by("pk")
    for tender in tenders[:SHOWN]:
        if tendering.evaluator_done(tender, user):
            continue
        yield Item(f"procurement:score:{tender.pk}:{user.pk}", Kind.WRITE,
                   _t("Score the bids of %(number)s: %(title)s") % {"number": tender.number, "title": tender.title},
                   tender.get_absolute_url() + "#scores", record=tender)


@register
def bids_to_open(user, today):
    """The tender's author: the deadline has passed, the bids wait to be closed and evaluated."""
    tenders = Tender.objects.filter(status=TenderStatus.BIDDING, author=user, bid_deadline__lte=today) \
        .order_by("bid_deadline")
    for tender in tenders[:SHOWN]:
        yield Item(f"procurement:open:{tender.pk}", Kind.DUE,
                   _t("Close the bidding of %(number)s and start the evaluation") % {"number": tender.number},
                   tender.get_absolute_url(), due=tender.bid_deadline, record=tender)


@register
def deliveries_late(user, today):
    """The plan's author and Commerce: items ordered and not delivered by the date they were required (and those
    due within two weeks)."""
    from core.worklist import SOON

    if not allowed(user, Purchase, "change"):
        return
    rows = Purchase.objects.restrict(user, "view").filter(
        item__plan__status=PlanStatus.APPROVED, ordered_on__isnull=False, delivered_on__isnull=True,
        item__required_by__lte=today + SOON).select_related("item__plan", "supplier").order_by("item__required_by")
    if Role.COMMERCE not in user.own_roles:
        rows = rows.filter(item__plan__author=user)
    for purchase in rows[:SHOWN]:
        item = purchase.item
        yield Item(f"procurement:delivery:{purchase.pk}", Kind.DUE,
                   _t("Delivery of %(item)s from %(supplier)s (%(plan)s)")
                   % {"item": item.description, "supplier": purchase.supplier, "plan": item.plan.number},
                   item.plan.get_absolute_url() + f"#purchase-{purchase.pk}", due=item.required_by, record=item.plan)


@register
def implementations_to_approve(user, today):
    """Whoever approves a plan's implementation: approved plans whose items are all accepted."""
    if not (user.own_roles & {Role.COMMERCE, Role.SERVICE_MANAGER}):
        return
    plans = ProcurementPlan.objects.restrict(user, "view").filter(status=PlanStatus.APPROVED).order_by("pk")
    for plan in plans[:SHOWN]:
        if not services.every_item_accepted(plan) or not services.may_approve(plan, user):
            continue
        yield Item(f"procurement:complete:{plan.pk}", Kind.APPROVE,
                   _t("Approve the implementation of %(number)s: %(title)s")
                   % {"number": plan.number, "title": plan.title}, plan.get_absolute_url(), record=plan)
