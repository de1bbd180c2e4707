"""Procurement plans, their implementation, the qualified-supplier rule and the demo (SP-2.6)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from core import records, workflow
from core.worklist import items_for
from procurement import services
from procurement.choices import ExceptionStatus, PlanStatus, TenderStatus
from procurement.demo import PLAN_TITLE, TENDER_TITLE
from procurement.models import ProcurementPlan, Purchase, Tender
from suppliers.models import Certificate, Performance

from . import helpers

pytestmark = pytest.mark.django_db


# ---- the demo --------------------------------------------------------------------------------------------------

def test_the_demo_buys_the_backup_servers_through_a_tender(demo):
    plan = ProcurementPlan.objects.get(title=PLAN_TITLE)
    assert plan.status == PlanStatus.COMPLETED and plan.is_major
    tender = Tender.objects.get(title=TENDER_TITLE)
    assert tender.status == TenderStatus.AWARDED
    assert tender.bids.count() == 3 and tender.evaluators.count() == 2
    assert tender.bids.filter(supplier__isnull=True).count() == 1  # the new bidder, never a supplier
    purchase = helpers.purchase_of(plan)
    winner = tender.proposed_bid
    assert purchase.supplier == winner.supplier and purchase.amount == winner.price and purchase.tender == tender
    assert purchase.accepted_on is not None
    row = Performance.objects.get(supplier=winner.supplier, source_label__startswith=plan.number)
    assert row.on_time and row.quantity == 2 and row.defects == 0


# ---- who approves --------------------------------------------------------------------------------------------------

@override_settings(SERVPLAN_MAJOR_PROCUREMENT_AMOUNT=50000)
def test_a_major_plan_is_approved_by_commerce_only(demo):
    plan = helpers.plan(demo, unit_price="25000.00", quantity=2)  # 50,000: the threshold itself is major
    assert plan.is_major
    workflow.fire(plan, "submit", demo["svc_staff"])
    with pytest.raises(ValidationError) as refused:
        workflow.fire(plan, "approve", demo["svc_manager"])
    assert "approved by the Commerce Department" in str(refused.value) and "50,000.00" in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW
    workflow.fire(plan, "approve", demo["commerce"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert Purchase.objects.filter(item__plan=plan).count() == 1  # the implementation rows are opened


@override_settings(SERVPLAN_MAJOR_PROCUREMENT_AMOUNT=50000)
def test_a_plan_below_the_threshold_is_approved_by_the_service_manager(demo, client_for):
    plan = helpers.plan(demo, unit_price="49999.99")
    assert not plan.is_major
    workflow.fire(plan, "submit", demo["svc_staff"])
    response = client_for("svc_manager").get(f"/api/procurement/plans/{plan.pk}/transitions/")
    assert {t["transition"]: t["blocked_by"] for t in response.json()}["approve"] == []
    workflow.fire(plan, "approve", demo["svc_manager"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_the_refusal_shows_on_the_page(demo, client_for):
    plan = helpers.plan(demo, unit_price="300000.00")  # above the default 200,000
    workflow.fire(plan, "submit", demo["svc_staff"])
    page = client_for("svc_manager").get(plan.get_absolute_url()).content.decode()
    assert "is approved by the Commerce Department" in page and 'id="major-badge"' in page


def test_submitting_needs_items(demo):
    plan = records.create(ProcurementPlan(title="empty", contract=helpers.contract(),
                                          owner_department=demo["svc_staff"].department), demo["svc_staff"])
    with pytest.raises(ValidationError, match="List the items"):
        workflow.fire(plan, "submit", demo["svc_staff"])


# ---- the qualified-supplier rule -----------------------------------------------------------------------------------

def test_an_unqualified_supplier_is_refused_without_an_approved_exception(demo):
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    outsider = helpers.new_supplier(demo)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        helpers.change(purchase, demo["svc_staff"], supplier=outsider, requested_on=today, ordered_on=today,
                       amount=Decimal("900"))
    assert "supplier" in refused.value.message_dict
    assert "not on the approved qualified supplier list" in " ".join(refused.value.message_dict["supplier"])
    purchase.refresh_from_db()
    assert purchase.ordered_on is None

    helpers.change(purchase, demo["svc_staff"], supplier=outsider)
    services.request_exception(purchase, demo["svc_staff"], "原厂指定唯一授权代理")
    with pytest.raises(ValidationError, match="waiting for Commerce"):  # asked for, not yet approved
        helpers.change(purchase, demo["svc_staff"], requested_on=today, ordered_on=today, amount=Decimal("900"))
    purchase.refresh_from_db()
    with pytest.raises(ValidationError):  # only Commerce decides
        services.decide_exception(purchase, demo["svc_manager"], True)
    assert any(i.key.startswith("procurement:exception:") for i in items_for(demo["commerce"]))
    services.decide_exception(purchase, demo["commerce"], True, "同意")
    purchase.refresh_from_db()
    assert purchase.exception_status == ExceptionStatus.APPROVED and purchase.exception_decided_by == demo["commerce"]
    helpers.change(purchase, demo["svc_staff"], requested_on=today, ordered_on=today, amount=Decimal("900"))
    purchase.refresh_from_db()
    assert purchase.ordered_on == today and purchase.supplier == outsider


def test_an_exception_for_one_supplier_does_not_admit_another(demo):
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    first, second = helpers.new_supplier(demo, "first"), helpers.new_supplier(demo, "second")
    helpers.change(purchase, demo["svc_staff"], supplier=first)
    services.request_exception(purchase, demo["svc_staff"], "唯一货源")
    services.decide_exception(purchase, demo["commerce"], True)
    purchase.refresh_from_db()
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="not on the approved qualified supplier list"):
        helpers.change(purchase, demo["svc_staff"], supplier=second, requested_on=today, ordered_on=today,
                       amount=Decimal(1))


def test_an_expired_supplier_is_refused_on_the_order_date(demo):
    supplier = helpers.qualified_supplier()
    yesterday = timezone.localdate() - timedelta(days=1)
    records.create(Certificate(supplier=supplier, name="ISO 9001 test", valid_until=yesterday), demo["commerce"])
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        helpers.change(purchase, demo["svc_staff"], supplier=supplier, requested_on=today, ordered_on=today,
                       amount=Decimal(1))
    assert "expired" in " ".join(refused.value.message_dict["supplier"])
    # An order dated while the certificate was valid is accepted.
    helpers.change(purchase, demo["svc_staff"], supplier=supplier, requested_on=yesterday, ordered_on=yesterday,
                   amount=Decimal(1))


def test_a_supplier_past_its_list_entry_is_refused(demo):
    late = helpers.new_supplier(demo, "lapsed")
    helpers.put_on_list(demo, [late], valid_until=timezone.localdate() + timedelta(days=5))
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    after = timezone.localdate() + timedelta(days=6)
    with pytest.raises(ValidationError, match="was qualified until"):
        helpers.change(purchase, demo["svc_staff"], supplier=late, requested_on=after, ordered_on=after,
                       amount=Decimal(1))
    before = timezone.localdate() + timedelta(days=5)
    helpers.change(purchase, demo["svc_staff"], supplier=late, requested_on=before, ordered_on=before,
                   amount=Decimal(1))


def test_the_api_refuses_an_unqualified_order_naming_the_supplier_field(demo, client_for):
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    outsider = helpers.new_supplier(demo)
    today = timezone.localdate().isoformat()
    client = client_for("svc_staff")
    response = client.patch(f"/api/procurement/purchases/{purchase.pk}/",
                            {"supplier": outsider.pk, "requested_on": today, "ordered_on": today, "amount": "10"},
                            content_type="application/json")
    assert response.status_code == 400 and "supplier" in response.json(), response.content
    response = client.post(f"/api/procurement/purchases/{purchase.pk}/request-exception/", {"reason": "急需"},
                           content_type="application/json")
    assert response.status_code == 400  # no supplier chosen yet
    assert client.patch(f"/api/procurement/purchases/{purchase.pk}/", {"supplier": outsider.pk},
                        content_type="application/json").status_code == 200
    assert client.post(f"/api/procurement/purchases/{purchase.pk}/request-exception/", {"reason": "急需"},
                       content_type="application/json").status_code == 200
    assert client.post(f"/api/procurement/purchases/{purchase.pk}/decide-exception/", {"approve": True},
                       content_type="application/json").status_code == 400
    response = client_for("commerce").post(f"/api/procurement/purchases/{purchase.pk}/decide-exception/",
                                           {"approve": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["exception_status"] == "approved"
    response = client.patch(f"/api/procurement/purchases/{purchase.pk}/",
                            {"requested_on": today, "ordered_on": today, "amount": "10"},
                            content_type="application/json")
    assert response.status_code == 200, response.content


def test_the_page_refuses_an_unqualified_order(demo, client_for):
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    outsider = helpers.new_supplier(demo)
    today = timezone.localdate().isoformat()
    response = client_for("svc_staff").post(f"/procurement/purchase/{purchase.pk}/edit/", {
        "supplier": outsider.pk, "requested_on": today, "ordered_on": today, "amount": "10", "defects": "0"})
    assert response.status_code == 200
    assert "not on the approved qualified supplier list" in response.content.decode()
    purchase.refresh_from_db()
    assert purchase.ordered_on is None


# ---- stages and acceptance -----------------------------------------------------------------------------------------

def test_stages_go_in_order(demo):
    plan = helpers.approved_plan(demo)
    purchase = helpers.purchase_of(plan)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        helpers.change(purchase, demo["svc_staff"], delivered_on=today)
    assert "delivered_on" in refused.value.message_dict


def test_accepting_a_late_delivery_records_the_suppliers_performance(demo):
    today = timezone.localdate()
    plan = helpers.approved_plan(demo, quantity=3, required_by=today - timedelta(days=10))
    purchase = helpers.purchase_of(plan)
    supplier = helpers.qualified_supplier()
    helpers.change(purchase, demo["svc_staff"], supplier=supplier, requested_on=today - timedelta(days=30),
                   ordered_on=today - timedelta(days=25), amount=Decimal("3000"))
    assert any(i.key == f"procurement:delivery:{purchase.pk}" and i.overdue(today) for i in items_for(
        demo["svc_staff"]))
    helpers.change(purchase, demo["svc_staff"], delivered_on=today - timedelta(days=2), delivered_quantity=3)
    assert not Performance.objects.filter(source_label__startswith=plan.number).exists()
    services.accept(purchase, demo["pm"], accepted_on=today, defects=2, note="两台外壳划伤")
    row = Performance.objects.get(source_label__startswith=plan.number)
    assert (row.supplier, row.on_time, row.defects, row.quantity, row.due_on) == (
        supplier, False, 2, 3, today - timedelta(days=10))
    assert row.recorded_by == demo["pm"]
    with pytest.raises(ValidationError, match="kept as accepted"):
        helpers.change(purchase, demo["svc_staff"], defects=0)
    assert Performance.objects.filter(source_label__startswith=plan.number).count() == 1


def test_completing_needs_every_item_accepted_and_commerce_for_a_major_plan(demo):
    plan = helpers.approved_plan(demo, unit_price="250000.00")
    with pytest.raises(ValidationError, match="accepted first"):
        workflow.fire(plan, "complete", demo["commerce"])
    purchase = helpers.purchase_of(plan)
    day = timezone.localdate()
    helpers.change(purchase, demo["svc_staff"], supplier=helpers.qualified_supplier(), requested_on=day,
                   ordered_on=day, amount=Decimal(1), delivered_on=day, delivered_quantity=1)
    services.accept(purchase, demo["svc_staff"], accepted_on=day)
    with pytest.raises(ValidationError, match="implementation of a major procurement plan"):
        workflow.fire(plan, "complete", demo["svc_manager"])
    workflow.fire(plan, "complete", demo["commerce"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED


# ---- the contract review's hook ----------------------------------------------------------------------------------

def test_a_contract_involving_procurement_leads_commerce_to_a_plan(demo, client_for):
    from contracts.models import Contract

    contract = Contract.objects.signed().exclude(title=helpers.contract().title).order_by("pk").first()
    Contract.objects.filter(pk=contract.pk).update(involves_procurement=True)
    contract.refresh_from_db()
    item = next(i for i in items_for(demo["commerce"]) if i.key == f"procurement:plan-needed:{contract.number}")
    assert f"contract={contract.pk}" in item.url
    assert not any(i.key.startswith("procurement:plan-needed") for i in items_for(demo["svc_staff"]))
    commerce = client_for("commerce")
    page = commerce.get(contract.get_absolute_url()).content.decode()
    assert 'id="action-draft-procurement-plan"' in page or "draft-procurement-plan" in page
    form = commerce.get(item.url).content.decode()
    assert f'value="{contract.pk}" selected' in form
    review = contract.reviews.order_by("-pk").first()
    if review is not None:
        assert "draft-procurement-plan" in commerce.get(review.get_absolute_url()).content.decode()
        assert f'value="{review.pk}" selected' in form
    records.create(ProcurementPlan(title="x", contract=contract, owner_department=demo["commerce"].department),
                   demo["commerce"])
    assert not any(i.key == f"procurement:plan-needed:{contract.number}" for i in items_for(demo["commerce"]))


def test_the_contract_page_lists_its_plans(demo, client_for):
    page = client_for("commerce").get(helpers.contract().get_absolute_url()).content.decode()
    assert 'id="contract-procurement-plans"' in page and PLAN_TITLE in page


# ---- pages and exports ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_plan_and_the_tender_export(demo, client_for, fmt):
    client = client_for("commerce")
    for record in (ProcurementPlan.objects.get(title=PLAN_TITLE), Tender.objects.get(title=TENDER_TITLE)):
        response = client.get(f"{record.get_absolute_url()}export/?format={fmt}")
        assert response.status_code == 200 and len(response.content) > 1000


def test_the_tender_export_carries_the_matrix_and_the_result(demo):
    from procurement.exports import tender_sections

    tender = Tender.objects.get(title=TENDER_TITLE)
    sections = tender_sections(tender, "en")
    captions = [t.caption for s in sections for t in s.tables]
    assert "Evaluation matrix" in captions and "Result" in captions
    result = next(t for s in sections for t in s.tables if t.caption == "Result")
    assert result.rows[0][1] == tender.proposed_bid.bidder


def test_the_plan_page_shows_items_implementation_and_tenders(demo, client_for):
    plan = ProcurementPlan.objects.get(title=PLAN_TITLE)
    page = client_for("svc_staff", language="zh-hans").get(plan.get_absolute_url()).content.decode()
    assert 'id="implementation"' in page and 'class="purchase-row"' in page and TENDER_TITLE in page
    assert "重大采购" in page or "商务部" in page
