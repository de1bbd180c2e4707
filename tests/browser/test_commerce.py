"""SP-2.6 walked as its people do (issue 14): from a contract review involving procurement to the supplier's next
evaluation.

Chinese: a signed contract whose review says it involves procurement puts "draft the procurement plan" on the
Commerce Department's home page; Commerce drafts the plan from it (contract and review filled in), two backup
servers above the major-procurement amount, so the Service Department manager may not approve it and the Commerce
Department head does; Commerce invites three listed suppliers to a tender scored by two evaluators, records the
three bids and closes the bidding; each evaluator scores blind (the second sees none of the first's scores); the
ranking equals the hand computation; Commerce proposes the best bid and the head approves the award, which writes
the winner and price to the plan's item; the delivery is recorded and accepted; the supplier's next evaluation shows
that delivery as its input. English, in a second browser: the awarded tender reads in English. The screenshots
illustrate guide chapter 11.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from procurement.models import ProcurementPlan, Purchase, Tender
from suppliers.models import Performance
from suppliers.services import list_in_force, qualification

from .conftest import click_and_wait, english_page, login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

PLAN_TITLE = "灾备机房备份服务器采购"
TENDER_TITLE = "灾备机房备份服务器邀请招标"
# Two evaluators' scores for the three bids, per default criterion (price 40, technical 30, delivery 15, service 15).
SCORES = {
    "svc_manager": ((90, 80, 70, 80), (80, 90, 80, 70), (70, 70, 90, 90)),
    "tsd_staff": ((80, 90, 80, 70), (90, 80, 70, 80), (60, 80, 80, 80)),
}
# By hand, per bid: the mean of the two evaluators per criterion, weighted by 40/30/15/15 over 100:
#   bid 1: price 85, technical 85, delivery 75, service 75 → (3400 + 2550 + 1125 + 1125) / 100 = 82.00
#   bid 2: price 85, technical 85, delivery 75, service 75 → 82.00 as well; the lower price ranks first
#   bid 3: price 65, technical 75, delivery 85, service 85 → (2600 + 2250 + 1275 + 1275) / 100 = 74.00
RESULTS = (Decimal("82.00"), Decimal("82.00"), Decimal("74.00"))
PRICES = ("218000.00", "209500.00", "199000.00")


def as_user(page, live_server, username, url=""):
    logout(page)
    login(page, live_server, username)
    if url:
        page.goto(f"{live_server.url}{url}")


def three_qualified_suppliers():
    """Three suppliers on the approved qualified list in force, qualified today (the demo's list)."""
    found = [entry.supplier for entry in list_in_force().entries.select_related("supplier").order_by("supplier__code")
             if qualification(entry.supplier).qualified]
    assert len(found) >= 3, found
    return found[:3]


def test_procurement_from_contract_review_to_the_suppliers_next_evaluation(page, browser, live_server, demo):
    # The contract (a signed one other than the demo's procurement chain) involves procurement, as its review says.
    contract = Contract.objects.signed().exclude(title=CHAIN_TITLE).filter(reviews__isnull=False).order_by("pk").first()
    Contract.objects.filter(pk=contract.pk).update(involves_procurement=True)
    review = contract.reviews.order_by("-version", "-pk").first()
    suppliers = three_qualified_suppliers()

    # 1. Commerce finds the plan to draft on its home page and drafts it, the contract and review filled in.
    login(page, live_server, "commerce")
    queue = page.locator("main")
    assert contract.number in queue.inner_text()
    shot(page, "commerce-home", full_page=False)
    queue.locator("a", has_text=contract.number).first.click()
    page.wait_for_load_state()
    assert page.locator("#id_contract").input_value() == str(contract.pk)
    assert page.locator("#id_contract_review").input_value() == str(review.pk)
    page.fill("#id_title", PLAN_TITLE)
    page.fill("#id_purpose", "合同约定为客户数据中心增配两台备份服务器，用于每日全量备份。")
    required_by = timezone.localdate() + timedelta(days=30)
    page.fill("#id_items-0-position", "1")
    page.fill("#id_items-0-description", "备份服务器（2U，双路，64 GB 内存，8×8 TB）")
    page.select_option("#id_items-0-category", "hardware")
    page.fill("#id_items-0-quantity", "2")
    page.fill("#id_items-0-unit", "台")
    page.fill("#id_items-0-unit_price", "110000")
    page.fill("#id_items-0-required_by", required_by.isoformat())
    click_and_wait(page, "#save-button")
    plan = ProcurementPlan.objects.get(title=PLAN_TITLE)
    assert plan.contract == contract and plan.contract_review == review
    assert page.locator("#major-badge").is_visible()  # 220,000 CNY: a major procurement
    transition(page, "submit")

    # 2. A major plan: the Service Department manager is refused, the Commerce Department head approves.
    as_user(page, live_server, "svc_manager", plan.get_absolute_url())
    assert page.locator("#transition-approve").is_disabled()
    assert "由商务部批准" in page.locator(".blocked-reason").inner_text()
    as_user(page, live_server, "commerce_mgr", plan.get_absolute_url())
    transition(page, "approve", "同意采购")
    plan.refresh_from_db()
    assert plan.status == "approved"
    shot(page, "procurement-plan")

    # 3. Commerce invites three listed suppliers; two evaluators; the bids are recorded; the bidding closes.
    as_user(page, live_server, "commerce", plan.get_absolute_url())
    click_and_wait(page, "#new-tender")
    page.fill("#id_title", TENDER_TITLE)
    page.select_option("#id_method", "invited")
    page.fill("#id_bid_deadline", timezone.localdate().isoformat())
    for row, username in enumerate(("svc_manager", "tsd_staff")):
        page.select_option(f"#id_evaluators-{row}-user", str(demo[username].pk))
    for row, supplier in enumerate(suppliers):
        page.select_option(f"#id_bids-{row}-supplier", str(supplier.pk))
    click_and_wait(page, "#save-button")
    tender = Tender.objects.get(title=TENDER_TITLE)
    transition(page, "invite")
    for bid, price in zip(tender.bids.order_by("pk"), PRICES, strict=True):
        page.goto(f"{live_server.url}/procurement/bid/{bid.pk}/edit/")
        page.fill("#id_price", price)
        page.fill("#id_received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        click_and_wait(page, "#save-button")
    transition(page, "close")
    tender.refresh_from_db()
    assert tender.status == "evaluation"

    # 4. Blind scores: the second evaluator sees none of the first's until both have scored.
    bids = list(tender.bids.order_by("pk"))
    for username in ("svc_manager", "tsd_staff"):
        as_user(page, live_server, username, tender.get_absolute_url())
        assert page.locator("#scores-blind").is_visible()
        inputs = page.locator("#score-form input[type=number]")
        assert inputs.count() == 3 * 4
        if username == "tsd_staff":  # the first evaluator's scores are saved, yet none shows here
            assert all(inputs.nth(i).input_value() == "" for i in range(inputs.count()))
            assert page.locator("#ranking-hidden").is_visible()
            shot(page, "tender-blind-scoring")
        criteria = list(tender.criteria.order_by("position"))
        for bid, row in zip(bids, SCORES[username], strict=True):
            for criterion, value in zip(criteria, row, strict=True):
                page.fill(f"input[name=score-{bid.pk}-{criterion.pk}]", str(value))
        click_and_wait(page, "#save-scores")
    ranking = page.locator("#ranking")
    assert ranking.is_visible()
    from procurement import tendering

    ranked = tendering.ranking(tender)
    assert [r.result for r in ranked] == sorted(RESULTS, reverse=True)
    assert ranked[0].bid == bids[1]  # equal results: the lower price first
    shot(page, "tender-ranking")

    # 5. Commerce proposes the best bid; the head approves the award, written back to the plan's item.
    as_user(page, live_server, "commerce", tender.get_absolute_url())
    page.locator(".blocked-reason .refusal-fix", has_text="提出中标建议").click()  # the proposal's own page
    page.wait_for_load_state()
    page.select_option("#id_bid", str(bids[1].pk))
    click_and_wait(page, "#propose-button")
    as_user(page, live_server, "commerce_mgr", tender.get_absolute_url())
    transition(page, "approve", "同意授标")
    tender.refresh_from_db()
    assert tender.status == "awarded"
    winner = bids[1].supplier
    assert page.locator("#winner").inner_text().strip() == str(winner)
    purchase = Purchase.objects.get(item__plan__number=plan.number, item__plan__status="approved")
    assert purchase.supplier == winner and purchase.tender == tender
    shot(page, "tender-awarded")

    # 6. The delivery is ordered, delivered and accepted on the purchase page: the supplier's performance.
    as_user(page, live_server, "commerce", f"/procurement/purchase/{purchase.pk}/edit/")
    today = timezone.localdate().isoformat()
    for field in ("requested_on", "ordered_on", "delivered_on", "accepted_on"):
        page.fill(f"#id_{field}", today)
    page.fill("#id_delivered_quantity", "2")
    page.fill("#id_defects", "0")
    page.fill("#id_acceptance_note", "两台服务器到货验收合格，已上架。")
    click_and_wait(page, "#save-button")
    performance = Performance.objects.get(supplier=winner, source_label__contains=plan.number)
    assert performance.on_time and performance.defects == 0 and performance.quantity == 2

    # 7. The supplier's next evaluation shows the delivery as its input.
    page.goto(f"{live_server.url}/suppliers/supplierevaluation/add/?supplier={winner.pk}")
    page.wait_for_load_state()
    assert page.locator("#id_supplier").input_value() == str(winner.pk)
    click_and_wait(page, "#save-button")
    assert plan.number in page.locator("main").inner_text()
    shot(page, "supplier-next-evaluation")

    context, english = english_page(browser, live_server)
    try:
        login(english, live_server, "commerce")
        english.goto(f"{live_server.url}{tender.get_absolute_url()}")
        text = english.locator("main").inner_text()
        assert "Award" in text and "Winning bidder" in text
        shot(english, "tender-awarded-en")
        assert not english.problems.items, english.problems.items
    finally:
        context.close()
