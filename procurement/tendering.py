"""The tender's decisions (SP-2.6 "approves equipment tender evaluation or negotiation results and names the winning
bidder"): which bids may be recorded, blind scoring, the computed ranking, the proposal and the award.

Scoring is suppliers.scoring's rule applied bid by bid: each criterion's score is the mean of the evaluators'
scores, the bid's result the weighted sum of those means (weights add up to 100), rounded to two decimals. Until
every evaluator has scored every bid received, an evaluator reads only their own scores and no result is shown.
The ranking is by result, highest first; equal results by the lower price, then by the earlier bid.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit, records, workflow
from core.choices import AuditAction
from core.workflow import refuse
from suppliers import scoring

from .choices import PlanStatus, TenderStatus
from .models import Bid, BidScore, Purchase, Tender

BID_STATES = (TenderStatus.DRAFT, TenderStatus.BIDDING)


def min_bids() -> int:
    """Bids needed before evaluation (SERVPLAN_TENDER_MIN_BIDS, 3: fewer and the tender is run again)."""
    return int(getattr(settings, "SERVPLAN_TENDER_MIN_BIDS", 3))


def min_evaluators() -> int:
    return int(getattr(settings, "SERVPLAN_TENDER_MIN_EVALUATORS", 2))


# ---- rows ------------------------------------------------------------------------------------------------------

def check_bid(bid):
    """Bidders are invited while the tender is a draft; bids are received while it is open for bids and not after
    its deadline; later only a new bidder's supplier may be named (it must be one before the award)."""
    tender = bid.tender
    if not bid.supplier_id and not bid.bidder_name.strip():
        raise ValidationError({"supplier": _t("Choose a listed supplier or name the new bidder.")})
    stored = Bid.objects.filter(pk=bid.pk).first() if bid.pk else None
    if tender.status not in BID_STATES:
        naming_supplier = stored is not None and not stored.supplier_id and bid.supplier_id and all(
            getattr(stored, f) == getattr(bid, f) for f in ("price", "received_at", "attachment_id", "bidder_name"))
        if not naming_supplier:
            raise ValidationError(_t("The bids are closed: %(tender)s is %(status)s.")
                                  % {"tender": tender.number, "status": tender.get_status_display()})
    if (bid.price is None) != (bid.received_at is None):
        raise ValidationError({"price": _t("A bid received has its price and the time it was received.")})
    if bid.received_at is not None:
        if tender.status == TenderStatus.DRAFT:
            raise ValidationError({"received_at": _t("Bids are received once the invitation is issued.")})
        day = timezone.localtime(bid.received_at).date()
        if day > tender.bid_deadline:
            raise ValidationError({"received_at": _t("Received after the bid deadline (%(date)s): not accepted.")
                                   % {"date": tender.bid_deadline.isoformat()}})
    if bid.attachment_id and (bid.attachment.object_id != tender.pk
                              or bid.attachment.content_type.model_class() is not Tender):
        raise ValidationError({"attachment": _t("Choose a document attached to this tender.")})
    if tender.pk is None:  # invited on the new tender's own form: nobody has bid yet
        return
    same = Bid.objects.filter(tender=tender).exclude(pk=bid.pk)
    if bid.supplier_id and same.filter(supplier_id=bid.supplier_id).exists():
        raise ValidationError({"supplier": _t("This supplier is already a bidder.")})


def check_score(score):
    tender = score.tender
    if tender.status != TenderStatus.EVALUATION:
        raise ValidationError(_t("Scores are given while the tender is in evaluation."))
    if not tender.evaluators.filter(user_id=score.evaluator_id).exists():
        raise ValidationError(_t("Only the tender's evaluators score its bids."))
    if score.bid.tender_id != tender.pk or score.criterion.tender_id != tender.pk:
        raise ValidationError(_t("This bid or criterion belongs to another tender."))
    if not score.bid.received:
        raise ValidationError({"bid": _t("This bidder has not bid.")})


# ---- the matrix ------------------------------------------------------------------------------------------------

def bids_received(tender):
    return [bid for bid in tender.bids.select_related("supplier").order_by("pk") if bid.received]


def evaluator_ids(tender):
    return list(tender.evaluators.order_by("pk").values_list("user_id", flat=True))


def criteria_of(tender):
    return list(tender.criteria.order_by("position", "pk"))


def all_scores(tender) -> dict:
    """{(evaluator id, bid id, criterion id): score} of every score given (not for display: see visible_scores)."""
    return {(s.evaluator_id, s.bid_id, s.criterion_id): s.score
            for s in BidScore.objects.filter(tender=tender).only("evaluator_id", "bid_id", "criterion_id", "score")}


def _of_bid(scores, bid_id):
    return {(e, c): value for (e, b, c), value in scores.items() if b == bid_id}


def is_complete(tender, scores=None) -> bool:
    """Every evaluator has scored every criterion of every bid received."""
    scores = all_scores(tender) if scores is None else scores
    bids, evaluators = bids_received(tender), evaluator_ids(tender)
    criteria = [c.pk for c in criteria_of(tender)]
    return bool(bids) and all(scoring.complete(evaluators, criteria, _of_bid(scores, bid.pk)) for bid in bids)


def evaluator_done(tender, user, scores=None) -> bool:
    scores = all_scores(tender) if scores is None else scores
    criteria = [c.pk for c in criteria_of(tender)]
    return all(scores.get((user.pk, bid.pk, c)) is not None for bid in bids_received(tender) for c in criteria)


def visible_scores(tender, user) -> dict:
    """The scores `user` may read: all once every bid is scored, else only their own (suppliers.scoring.visible)."""
    scores = all_scores(tender)
    return scoring.visible(scores, user.pk, is_complete(tender, scores))


@dataclass(frozen=True)
class Rank:
    rank: int
    bid: Bid
    result: Decimal
    criterion_means: dict  # criterion id -> mean of the evaluators' scores


def ranking(tender) -> list[Rank]:
    """The bids received ranked by their weighted result; empty until every evaluator has scored every bid."""
    scores = all_scores(tender)
    if not is_complete(tender, scores):
        return []
    criteria, evaluators = criteria_of(tender), evaluator_ids(tender)
    weights = {c.pk: c.weight for c in criteria}
    rows = []
    for bid in bids_received(tender):
        own = _of_bid(scores, bid.pk)
        means = {criterion: mean.quantize(scoring.HUNDREDTH, rounding=ROUND_HALF_UP)
                 for criterion, mean in scoring.criterion_means(weights, evaluators, own).items()}
        rows.append((scoring.result(weights, evaluators, own), bid, means))
    rows.sort(key=lambda row: (-row[0], row[1].price, row[1].pk))
    return [Rank(position, bid, result, means) for position, (result, bid, means) in enumerate(rows, start=1)]


def best_bid(tender):
    ranked = ranking(tender)
    return ranked[0].bid if ranked else None


def refresh_complete(tender):
    """Keep the stored flag the blind rule reads (BidScore.restrict_rows) equal to the scores."""
    complete = is_complete(tender)
    if complete != tender.scores_complete:
        Tender.objects.filter(pk=tender.pk).update(scores_complete=complete)
        tender.scores_complete = complete


# ---- writing scores ----------------------------------------------------------------------------------------------

def save_scores(tender, user, values):
    """An evaluator's own scores: `values` maps (bid id, criterion id) to (score, note); a score left empty is not
    written. All or nothing."""
    from core.permissions import allowed

    if not allowed(user, BidScore(tender=tender, evaluator=user), "add"):
        raise refuse(_t("Your role may not score bids."))
    bids = {bid.pk: bid for bid in bids_received(tender)}
    criteria = {c.pk: c for c in criteria_of(tender)}
    with transaction.atomic():
        locked = Tender.objects.select_for_update().get(pk=tender.pk)
        existing = {(s.bid_id, s.criterion_id): s for s in BidScore.objects.filter(tender=locked, evaluator=user)}
        for (bid_id, criterion_id), (score, note) in values.items():
            if bid_id not in bids or criterion_id not in criteria:
                raise ValidationError(_t("This bid or criterion belongs to another tender."))
            if score is None:
                continue
            row = existing.get((bid_id, criterion_id))
            if row is None:
                records.create(BidScore(tender=locked, bid=bids[bid_id], criterion=criteria[criterion_id],
                                        evaluator=user, score=score, note=note or ""), user)
            elif row.score != score or row.note != (note or ""):
                before = audit.snapshot(row)
                row.score, row.note = score, note or ""
                records.update(row, user, before)
        refresh_complete(locked)
    tender.refresh_from_db()
    return tender


def save_score(score, user, before=None):
    """One score at its own endpoint (the API): the evaluator is whoever writes it."""
    with transaction.atomic():
        if score.pk is None:
            score.evaluator = user
            records.create(score, user)
        else:
            records.update(score, user, before)
        refresh_complete(score.tender)
    return score


# ---- the proposal and the award -----------------------------------------------------------------------------------

def proposal_problems(tender):
    """Why the proposal cannot go to Commerce yet (empty: it can)."""
    problems = []
    if not is_complete(tender):
        problems.append(_t("Every evaluator must score every bid first."))
    bid = tender.proposed_bid
    if bid is None:
        problems.append(_t("Propose the winning bid."))
    elif bid != best_bid(tender) and not tender.proposal_reason.strip():
        problems.append(_t("The proposed bid is not the best ranked: give the reason."))
    return problems


def propose(tender, user, bid, reason=""):
    """The winner proposed (the best unless another is chosen with a reason), sent to Commerce for the award."""
    if tender.status != TenderStatus.EVALUATION:
        raise refuse(_t("A winner is proposed while the tender is in evaluation."))
    if bid is None or bid.tender_id != tender.pk or not bid.received:
        raise refuse(_t("Choose one of the bids received."), field="bid")
    reason = (reason or "").strip()
    if bid != best_bid(tender) and not reason:
        raise refuse(_t("The proposed bid is not the best ranked: give the reason."), field="reason")
    with transaction.atomic():
        before = audit.snapshot(tender)
        Tender.objects.filter(pk=tender.pk).update(proposed_bid=bid, proposal_reason=reason)
        tender.refresh_from_db()
        audit.record_entry(AuditAction.UPDATE, tender, changes=audit.diff(before, audit.snapshot(tender)),
                           snap=audit.snapshot(tender), user=user, comment=reason)
        return workflow.fire(tender, "propose", user, reason)


def winner_is_supplier(tender) -> bool:
    return tender.proposed_bid is not None and tender.proposed_bid.supplier_id is not None


def plan_in_force(tender):
    """The version of the tender's plan the award writes to: the latest approved one."""
    plan = tender.plan
    return type(plan).objects.filter(number=plan.number, status=PlanStatus.APPROVED).order_by("-version").first()


def award_targets(tender):
    """The implementation rows the award writes to: the tendered items' lines in the plan in force."""
    plan = plan_in_force(tender)
    if plan is None:
        return None
    positions = list(tender.items.values_list("position", flat=True)) or None
    items = plan.items.all() if positions is None else plan.items.filter(position__in=positions)
    return list(items.order_by("position", "pk"))


def items_open(tender) -> bool:
    """The award can be written: the plan is approved and none of the tendered items is ordered yet."""
    items = award_targets(tender)
    if not items:
        return False
    return not Purchase.objects.filter(item__in=items, ordered_on__isnull=False).exists()


def shares(total, items):
    """The awarded price split over the items by their budgets (cents; what rounding leaves goes to the last)."""
    budgets = [item.budget for item in items]
    whole = sum(budgets)
    result, given = [], Decimal(0)
    for index, budget in enumerate(budgets):
        if index == len(budgets) - 1:
            part = total - given
        else:
            part = (total * budget / whole if whole else total / len(budgets)).quantize(Decimal("0.01"))
        result.append(part)
        given += part
    return result


def award(tender, user):
    """The award approved (a transition effect): the winner and its price written to the tendered items."""
    tender.refresh_from_db()
    bid = tender.proposed_bid
    items = award_targets(tender) or []
    from .services import save_purchase

    for item, amount in zip(items, shares(bid.price, items), strict=True):
        purchase = Purchase.objects.filter(item=item).first() or Purchase(item=item)
        before = audit.snapshot(purchase) if purchase.pk else None
        purchase.supplier, purchase.tender, purchase.amount = bid.supplier, tender, amount
        save_purchase(purchase, user, before)


def set_invited_on(tender, user):
    if tender.invited_on is None:
        Tender.objects.filter(pk=tender.pk).update(invited_on=timezone.localdate())


# ---- the workflow's conditions (procurement.workflows) ----------------------------------------------------------

def criteria_ready(tender) -> bool:
    weights = list(tender.criteria.values_list("weight", flat=True))
    return bool(weights) and sum(weights) == 100


def evaluators_ready(tender) -> bool:
    return tender.evaluators.count() >= min_evaluators()


def bidders_ready(tender) -> bool:
    from .choices import TenderMethod

    return tender.method == TenderMethod.OPEN or tender.bids.count() >= min_bids()


def enough_bids(tender) -> bool:
    return len(bids_received(tender)) >= min_bids()


def deadline_reached(tender) -> bool:
    return timezone.localdate() >= tender.bid_deadline


def proposal_ready(tender) -> bool:
    return tender.proposed_bid_id is not None and not proposal_problems(tender)
