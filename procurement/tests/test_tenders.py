"""Tenders and negotiations (SP-2.6): blind scoring on the page and in the API, the ranking against a hand
computation, the proposal, the award written back to the plan."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import audit, records, workflow
from core.audit import verify_chain
from core.worklist import items_for
from procurement import tendering
from procurement.choices import TenderStatus
from procurement.models import Bid, BidScore, Tender, TenderCriterion, TenderEvaluator

from . import helpers

pytestmark = pytest.mark.django_db

# price 40, technical 30, delivery 15, service 15; one row per bid (A, B, C)
MANAGER = ((80, 90, 70, 60), (90, 70, 80, 80), (70, 60, 90, 100))
TSD = ((90, 80, 80, 70), (70, 90, 60, 80), (60, 80, 70, 90))


def hand_result(rows_a, rows_b):
    """Written out: each criterion's mean of the two evaluators, weighted 40/30/15/15, over 100."""
    weights = (40, 30, 15, 15)
    return [sum(Decimal(a + b) / 2 * w for a, b, w in zip(ra, rb, weights, strict=True)) / 100
            for ra, rb in zip(rows_a, rows_b, strict=True)]


def test_hand_computation_of_the_fixture():
    # A: price (80+90)/2=85, technical 85, delivery 75, service 65 -> (85*40 + 85*30 + 75*15 + 65*15)/100 = 80.50
    # B: 80, 80, 70, 80 -> (3200 + 2400 + 1050 + 1200)/100 = 78.50
    # C: 65, 70, 80, 95 -> (2600 + 2100 + 1200 + 1425)/100 = 73.25
    assert hand_result(MANAGER, TSD) == [Decimal("80.50"), Decimal("78.50"), Decimal("73.25")]


@pytest.fixture
def in_evaluation(demo):
    plan = helpers.approved_plan(demo)
    suppliers = [helpers.qualified_supplier(), *[helpers.new_supplier(demo, f"bidder{n}") for n in (1, 2)]]
    tender, bids = helpers.tender(demo, plan, suppliers)
    return plan, tender, bids


def test_scores_are_blind_until_every_evaluator_has_scored_every_bid(demo, in_evaluation, client_for):
    _plan, tender, bids = in_evaluation
    manager, tsd = demo["svc_manager"], demo["tsd_staff"]
    helpers.score_all(tender, manager, MANAGER)
    tender.refresh_from_db()
    assert not tender.scores_complete
    # The other evaluator sees none of the manager's scores: model, API list, tender action, page.
    assert not BidScore.objects.restrict(tsd, "view").filter(tender=tender, evaluator=manager).exists()
    assert BidScore.objects.restrict(manager, "view").filter(tender=tender).count() == 12
    tsd_client, manager_client = client_for("tsd_staff"), client_for("svc_manager")
    assert tsd_client.get(f"/api/procurement/bid-scores/?tender={tender.pk}").json()["count"] == 0
    assert tsd_client.get(f"/api/procurement/tenders/{tender.pk}/scores/").json() == []
    own = manager_client.get(f"/api/procurement/tenders/{tender.pk}/scores/").json()
    assert len(own) == 12 and {row["evaluator"] for row in own} == {manager.pk}
    hidden = BidScore.objects.filter(evaluator=manager).first()
    assert tsd_client.get(f"/api/procurement/bid-scores/{hidden.pk}/").status_code == 404
    page = tsd_client.get(tender.get_absolute_url()).content.decode()
    assert 'id="scores-blind"' in page and 'id="ranking-hidden"' in page
    assert 'value="80.00"' not in page and ">80.00<" not in page
    assert tsd_client.get(f"/api/procurement/tenders/{tender.pk}/").json()["ranking"] == []
    # The commerce approver, not an evaluator, sees nothing either.
    assert client_for("commerce").get(f"/api/procurement/tenders/{tender.pk}/scores/").json() == []
    # The second evaluator's work-queue item; gone once they have scored.
    assert any(i.key == f"procurement:score:{tender.pk}:{tsd.pk}" for i in items_for(tsd))
    assert not any(i.key == f"procurement:score:{tender.pk}:{manager.pk}" for i in items_for(manager))

    # The second evaluator scores on the page.
    criteria = tendering.criteria_of(tender)
    form = {f"score-{bid.pk}-{c.pk}": str(score) for bid, row in zip(bids, TSD, strict=True)
            for c, score in zip(criteria, row, strict=True)}
    response = tsd_client.post(f"/procurement/tender/{tender.pk}/scores/", form)
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.scores_complete
    assert BidScore.objects.restrict(tsd, "view").filter(tender=tender).count() == 24
    assert len(tsd_client.get(f"/api/procurement/tenders/{tender.pk}/scores/").json()) == 24
    assert not any(i.key == f"procurement:score:{tender.pk}:{tsd.pk}" for i in items_for(tsd))
    page = tsd_client.get(tender.get_absolute_url()).content.decode()
    assert 'id="scores-blind"' not in page and 'class="ranking-row"' in page

    ranked = tendering.ranking(tender)
    assert [r.bid for r in ranked] == bids
    assert [r.result for r in ranked] == hand_result(MANAGER, TSD)
    api = tsd_client.get(f"/api/procurement/tenders/{tender.pk}/").json()["ranking"]
    assert [(row["bid"], Decimal(row["result"])) for row in api] == [
        (bid.pk, value) for bid, value in zip(bids, hand_result(MANAGER, TSD), strict=True)]


def test_an_evaluator_writes_only_their_own_scores(demo, in_evaluation, client_for):
    _plan, tender, bids = in_evaluation
    criterion = tendering.criteria_of(tender)[0]
    with pytest.raises(ValidationError, match="Only the tender's evaluators"):
        tendering.save_scores(tender, demo["svc_staff"], {(bids[0].pk, criterion.pk): (Decimal(50), "")})
    response = client_for("tsd_staff").post("/api/procurement/bid-scores/", {
        "bid": bids[0].pk, "criterion": criterion.pk, "score": "77"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert BidScore.objects.get(pk=response.json()["id"]).evaluator == demo["tsd_staff"]
    mine = response.json()["id"]
    other = client_for("svc_manager").patch(f"/api/procurement/bid-scores/{mine}/", {"score": "10"},
                                            content_type="application/json")
    assert other.status_code == 404
    assert client_for("svc_manager").post("/api/procurement/bid-scores/", {
        "bid": bids[0].pk, "criterion": criterion.pk, "score": "101"},
        content_type="application/json").status_code == 400


def test_proposing_another_than_the_best_needs_a_reason_and_the_award_writes_back(demo, in_evaluation, client_for):
    plan, tender, bids = in_evaluation
    helpers.score_all(tender, demo["svc_manager"], MANAGER)
    helpers.score_all(tender, demo["tsd_staff"], TSD)
    tender.refresh_from_db()
    with pytest.raises(ValidationError, match="give the reason"):
        tendering.propose(tender, demo["svc_staff"], bids[1])
    response = client_for("svc_staff").post(f"/api/procurement/tenders/{tender.pk}/propose/",
                                            {"bid": bids[1].pk, "reason": "交货期更短，满足合同工期"},
                                            content_type="application/json")
    assert response.status_code == 200, response.content
    tender.refresh_from_db()
    assert tender.status == TenderStatus.IN_REVIEW and tender.proposed_bid == bids[1]
    with pytest.raises(ValidationError, match="author"):
        _approve_as_author(tender, demo)
    with pytest.raises(PermissionDenied):  # the Service Department manager does not award
        workflow.fire(tender, "approve", demo["svc_manager"])
    workflow.fire(tender, "approve", demo["commerce"], "同意定标")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED
    purchase = helpers.purchase_of(plan)
    assert (purchase.supplier, purchase.amount, purchase.tender) == (bids[1].supplier, bids[1].price, tender)
    page = client_for("commerce").get(plan.get_absolute_url()).content.decode()
    assert tender.number in page and "awarded by" in page
    assert list(verify_chain()) == []  # the proposal and the derived flag leave the audit trail verifiable


def _approve_as_author(tender, demo):
    """The tender's author holds no Commerce role: refused as the matrix says; a Commerce author by NOT_AUTHOR."""
    type(tender).objects.filter(pk=tender.pk).update(author=demo["commerce"])
    tender.refresh_from_db()
    try:
        workflow.fire(tender, "approve", demo["commerce"])
    finally:
        type(tender).objects.filter(pk=tender.pk).update(author=demo["svc_staff"])
        tender.refresh_from_db()


def test_a_new_bidder_must_become_a_supplier_before_the_award(demo):
    plan = helpers.approved_plan(demo)
    suppliers = [helpers.new_supplier(demo, f"known{n}") for n in (1, 2)]
    tender, bids = helpers.tender(demo, plan, suppliers, new_bidder="新公司")
    cheap = bids[2]
    rows = ((60, 60, 60, 60), (60, 60, 60, 60), (95, 95, 95, 95))
    helpers.score_all(tender, demo["svc_manager"], rows)
    helpers.score_all(tender, demo["tsd_staff"], rows)
    tender.refresh_from_db()
    assert tendering.best_bid(tender) == cheap
    tendering.propose(tender, demo["svc_staff"], cheap)
    tender.refresh_from_db()
    with pytest.raises(ValidationError, match="supplier register"):
        workflow.fire(tender, "approve", demo["commerce"])
    entered = helpers.new_supplier(demo, "newco")
    before = audit.snapshot(cheap)
    cheap.supplier = entered
    records.update(cheap, demo["svc_staff"], before)
    workflow.fire(tender, "approve", demo["commerce"])
    assert helpers.purchase_of(plan).supplier == entered


def test_bids_are_refused_after_the_deadline_and_evaluation_needs_enough_bids(demo):
    plan = helpers.approved_plan(demo)
    staff = demo["svc_staff"]
    tender = records.create(Tender(title="t", plan=plan, bid_deadline=timezone.localdate(),
                                   owner_department=staff.department), staff)
    with pytest.raises(ValidationError) as refused:
        workflow.fire(tender, "invite", staff)
    text = str(refused.value)
    assert "weights add up to 100" in text and "evaluators" in text and "bidders" in text
    records.create(TenderCriterion(tender=tender, name="price", weight=100), staff)
    for username in ("svc_manager", "tsd_staff"):
        records.create(TenderEvaluator(tender=tender, user=demo[username]), staff)
    bids = [records.create(Bid(tender=tender, bidder_name=f"b{n}"), staff) for n in range(3)]
    workflow.fire(tender, "invite", staff)
    late = bids[0]
    before = audit.snapshot(late)
    late.price = Decimal(1)
    late.received_at = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError, match="after the bid deadline"):
        records.update(late, staff, before)
    with pytest.raises(ValidationError, match="At least 3 bids"):
        workflow.fire(tender, "close", staff)
