"""Building procurement records in tests the way people do: through core.records and core.workflow."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import audit, records, workflow
from procurement import tendering
from procurement.choices import TenderMethod
from procurement.models import Bid, ProcurementItem, ProcurementPlan, Purchase, Tender, TenderCriterion, TenderEvaluator
from suppliers.choices import SupplierCategory
from suppliers.models import QualifiedEntry, Supplier
from suppliers.services import list_in_force


def contract():
    return Contract.objects.signed().get(title=CHAIN_TITLE)


def plan(users, *, unit_price="1000.00", quantity=1, author="svc_staff", required_by=None):
    user = users[author]
    record = records.create(ProcurementPlan(title="test plan", contract=contract(), owner_department=user.department),
                            user)
    records.create(ProcurementItem(plan=record, position=1, description="switch", quantity=quantity, unit="台",
                                   unit_price=Decimal(unit_price), category=SupplierCategory.HARDWARE,
                                   required_by=required_by or timezone.localdate() + timedelta(days=20)), user)
    return record


def approved_plan(users, approver="commerce", **kwargs):
    record = plan(users, **kwargs)
    workflow.fire(record, "submit", users["svc_staff"])
    workflow.fire(record, "approve", users[approver])
    record.refresh_from_db()
    return record


def purchase_of(record):
    return Purchase.objects.get(item__plan=record, item__position=1)


def qualified_supplier():
    """A supplier on the approved qualified list in force, qualified today."""
    from suppliers.services import qualification

    for entry in list_in_force().entries.select_related("supplier"):
        if qualification(entry.supplier).qualified:
            return entry.supplier
    raise AssertionError("the demo's qualified list has no qualified supplier")


def new_supplier(users, code="unlisted"):
    return records.create(Supplier(code=code, name=f"供方 {code}", category=SupplierCategory.HARDWARE),
                          users["commerce"])


def put_on_list(users, suppliers, valid_until):
    """A new version of the qualified list in force naming `suppliers` too, approved by Commerce."""
    current = list_in_force()
    draft = records.new_version(current, users["admin"])
    for supplier in suppliers:
        records.create(QualifiedEntry(qualified_list=draft, supplier=supplier, valid_until=valid_until),
                       users["admin"])
    workflow.fire(draft, "submit", users["admin"])
    workflow.fire(draft, "approve", users["commerce"])
    return draft


def change(purchase, user, **values):
    from procurement import services

    before = audit.snapshot(purchase)
    for name, value in values.items():
        setattr(purchase, name, value)
    return services.save_purchase(purchase, user, before)


def tender(users, plan_record, suppliers, *, evaluators=("svc_manager", "tsd_staff"), new_bidder="",
           criteria=(("price", 40), ("technical", 30), ("delivery", 15), ("service", 15)), deadline=None):
    """A tender in evaluation: bidders invited, every bid received (prices 100, 110, 120...)."""
    staff = users["svc_staff"]
    deadline = deadline or timezone.localdate()
    record = records.create(Tender(title="test tender", plan=plan_record, method=TenderMethod.INVITED,
                                   bid_deadline=deadline, owner_department=staff.department), staff)
    for position, (name, weight) in enumerate(criteria, start=1):
        records.create(TenderCriterion(tender=record, position=position, name=name, weight=weight), staff)
    for username in evaluators:
        records.create(TenderEvaluator(tender=record, user=users[username]), staff)
    bids = [records.create(Bid(tender=record, supplier=s), staff) for s in suppliers]
    if new_bidder:
        bids.append(records.create(Bid(tender=record, bidder_name=new_bidder), staff))
    workflow.fire(record, "invite", staff)
    for index, bid in enumerate(bids):
        before = audit.snapshot(bid)
        bid.price = Decimal(100 + 10 * index)
        bid.received_at = timezone.make_aware(datetime.combine(deadline, time(9, 0)))
        records.update(bid, staff, before)
    workflow.fire(record, "close", staff)
    record.refresh_from_db()
    return record, bids


def score_all(record, user, table):
    """`table`: one row of scores per bid (criteria in order)."""
    criteria = tendering.criteria_of(record)
    bids = tendering.bids_received(record)
    tendering.save_scores(record, user, {(bid.pk, c.pk): (Decimal(str(score)), "")
                                         for bid, row in zip(bids, table, strict=True)
                                         for c, score in zip(criteria, row, strict=True)})

