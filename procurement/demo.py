"""Procurement's part of the demo company (SP-2.6), written through the services as people would:

The running 温州水务 contract involves procurement ("two backup servers"). The Service Department drafts the plan
(two servers, a major budget), Commerce approves it; the servers are bought by invited tender: three bidders (two
qualified suppliers and a new bidder), two evaluators score blind, the best ranked bid is proposed and Commerce
approves the award, which writes the winner and the price to the item; the order is placed, delivered before the
date required and accepted, so the winning supplier has a performance row; Commerce approves the implementation.
A second, small plan (spare parts) is a draft, with a draft negotiation for it.

The bidders are qualified hardware suppliers of the approved qualified supplier list in force (the suppliers app's
demo); if it lists fewer than two, two server vendors are entered and put on the list by Commerce. Idempotent: each
plan and tender is looked up by title first.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import audit, records, workflow
from core.context import acting_as
from core.demo import REQUEST_ID
from projects.models import Project
from suppliers.choices import SupplierCategory
from suppliers.models import QualifiedEntry, QualifiedList, Supplier
from suppliers.services import list_in_force, qualification

from . import services, tendering
from .choices import TenderMethod
from .models import Bid, ProcurementItem, ProcurementPlan, Purchase, Tender, TenderCriterion, TenderEvaluator

PLAN_TITLE = "温州水务 营收系统备份服务器采购计划"
SPARES_TITLE = "温州水务 备品备件采购计划"
TENDER_TITLE = "备份服务器邀请招标"
SPARES_TENDER_TITLE = "备品备件竞争性谈判"
NEW_BIDDER = "温州瓯越网络工程有限公司"
VENDORS = (  # entered only when the qualified list in force has fewer than two hardware suppliers
    ("hz-dingxin", "杭州鼎信科技有限公司", "Hangzhou Dingxin Technology Co., Ltd.", "华为服务器及存储"),
    ("zj-huaxin", "浙江华信数据系统有限公司", "Zhejiang Huaxin Data Systems Co., Ltd.", "戴尔、浪潮服务器"),
)
REQUIRED_BY = date(2026, 11, 10)
INVITED, DEADLINE = date(2026, 10, 12), date(2026, 10, 22)
ORDERED, DELIVERED, ACCEPTED = date(2026, 10, 28), date(2026, 11, 6), date(2026, 11, 8)
# Each evaluator's scores of the three bids (in bid order) on the four default criteria (price 40, technical 30,
# delivery 15, service 15): the first bidder ranks first.
SCORES = {
    "svc_manager": ((90, 88, 85, 90), (85, 80, 80, 85), (95, 70, 75, 70)),
    "tsd_staff": ((88, 92, 90, 85), (82, 85, 78, 80), (92, 65, 70, 72)),
}


def load(context):
    users = context.users
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE, involves_procurement=True).first()
    if contract is None or ProcurementPlan.objects.filter(title=PLAN_TITLE).exists():
        return
    project = Project.objects.filter(contract__number=contract.number).order_by("pk").first()
    vendors = _qualified_vendors(users)
    plan = _server_plan(contract, project, users)
    tender = _tender(plan, vendors, users)
    _implement(plan, tender, users)
    _spares(contract, project, users)
    context.messages.append(f"  procurement: {plan.number} (approved, implemented), {tender.number} (awarded)")


def _qualified_vendors(users):
    """Two hardware suppliers qualified on the order date and today."""
    today = timezone.localdate()
    current = list_in_force()
    found = []
    if current is not None:
        for entry in current.entries.select_related("supplier").filter(supplier__category=SupplierCategory.HARDWARE,
                                                                       supplier__active=True):
            supplier = entry.supplier
            if qualification(supplier, on=ORDERED).qualified and qualification(supplier, on=today).qualified:
                found.append(supplier)
    if len(found) >= 2:
        return found[:2]
    return _enter_vendors(users, current)


def _enter_vendors(users, current):
    commerce, admin = users["commerce"], users["admin"]
    vendors = []
    with acting_as(commerce, request_id=REQUEST_ID):
        for code, name, name_en, scope in VENDORS:
            supplier = Supplier.objects.filter(code=code).first() or records.create(
                Supplier(code=code, name=name, name_en=name_en, category=SupplierCategory.HARDWARE,
                         notes=scope), commerce)
            vendors.append((supplier, scope))
    until = date(timezone.localdate().year + 1, 12, 31)
    with acting_as(admin, request_id=REQUEST_ID):
        if current is None:
            draft = records.create(QualifiedList(title="合格供方名录", owner_department=commerce.department,
                                                 review_due=until), admin)
        else:
            draft = records.new_version(current, admin, comment="增补服务器供方")
        for supplier, scope in vendors:
            if not QualifiedEntry.objects.filter(qualified_list=draft, supplier=supplier).exists():
                records.create(QualifiedEntry(qualified_list=draft, supplier=supplier, scope=scope,
                                              valid_until=until), admin)
        workflow.fire(draft, "submit", admin, "增补服务器供方，提交审批")
    with acting_as(commerce, request_id=REQUEST_ID):
        workflow.fire(draft, "approve", commerce, "同意")
    return [supplier for supplier, _scope in vendors]


def _server_plan(contract, project, users):
    staff, commerce = users["svc_staff"], users["commerce"]
    review = contract.reviews.order_by("-version", "-pk").first()
    with acting_as(staff, request_id=REQUEST_ID):
        plan = records.create(ProcurementPlan(
            title=PLAN_TITLE, contract=contract, project=project, contract_review=review,
            owner_department=staff.department,
            purpose="合同约定为营收系统配置两台备份服务器（含三年原厂保修），随第一期服务款支付；合同评审商务部意见："
                    "须在合格供方名录内比价，供货周期不超过 30 天。"), staff)
        records.create(ProcurementItem(plan=plan, position=1, description="备份服务器（2 路 CPU，256 GB 内存，"
                                       "12×8 TB 硬盘，三年原厂保修）", category=SupplierCategory.HARDWARE, quantity=2,
                                       unit="台", unit_price=Decimal("115000.00"), required_by=REQUIRED_BY), staff)
        workflow.fire(plan, "submit", staff, "备份服务器采购计划提交审批")
    with acting_as(commerce, request_id=REQUEST_ID):
        workflow.fire(plan, "approve", commerce, "重大采购，同意；按邀请招标比价")
    plan.refresh_from_db()
    return plan


def _tender(plan, vendors, users):
    staff, commerce = users["svc_staff"], users["commerce"]
    with acting_as(staff, request_id=REQUEST_ID):
        tender = records.create(Tender(
            title=TENDER_TITLE, plan=plan, method=TenderMethod.INVITED, invited_on=INVITED, bid_deadline=DEADLINE,
            owner_department=commerce.department,
            requirements="两台备份服务器，规格见采购计划；到货期不晚于 2026-11-10；三年原厂保修，4 小时到场。"), staff)
        tender.items.set(plan.items.all())
        for position, (name, weight) in enumerate((("价格", 40), ("技术符合性", 30), ("交货期", 15),
                                                   ("售后服务", 15)), start=1):
            records.create(TenderCriterion(tender=tender, position=position, name=name, weight=weight), staff)
        for username in SCORES:
            records.create(TenderEvaluator(tender=tender, user=users[username]), staff)
        bids = [records.create(Bid(tender=tender, supplier=vendor), staff) for vendor in vendors]
        bids.append(records.create(Bid(tender=tender, bidder_name=NEW_BIDDER), staff))
        workflow.fire(tender, "invite", staff, "向三家供方发出邀请")
        for bid, price, day in zip(bids, ("218000.00", "226000.00", "198000.00"), (20, 21, 22), strict=True):
            before = audit.snapshot(bid)
            bid.price = Decimal(price)
            bid.received_at = timezone.make_aware(datetime.combine(date(2026, 10, day), time(10, 0)))
            records.update(bid, staff, before)
        workflow.fire(tender, "close", staff, "投标截止，开标")
    criteria = tendering.criteria_of(tender)
    for username, rows in SCORES.items():
        with acting_as(users[username], request_id=REQUEST_ID):
            tendering.save_scores(tender, users[username], {
                (bid.pk, criterion.pk): (Decimal(score), "")
                for bid, row in zip(bids, rows, strict=True) for criterion, score in zip(criteria, row, strict=True)})
    with acting_as(staff, request_id=REQUEST_ID):
        tender.refresh_from_db()
        tendering.propose(tender, staff, tendering.best_bid(tender), "综合得分第一")
    with acting_as(commerce, request_id=REQUEST_ID):
        workflow.fire(tender, "approve", commerce, "同意定标")
    tender.refresh_from_db()
    return tender


def _implement(plan, tender, users):
    staff, commerce = users["svc_staff"], users["commerce"]
    purchase = Purchase.objects.get(item__plan=plan, item__position=1)
    with acting_as(staff, request_id=REQUEST_ID):
        for name, value in (("requested_on", ORDERED - timedelta(days=3)), ("ordered_on", ORDERED),
                            ("order_reference", "CG-2026-1028"), ("delivered_on", DELIVERED),
                            ("delivered_quantity", 2)):
            before = audit.snapshot(purchase)
            setattr(purchase, name, value)
            services.save_purchase(purchase, staff, before)
        services.accept(purchase, staff, accepted_on=ACCEPTED, defects=0, note="两台服务器到货验收合格，序列号已登记。")
    with acting_as(commerce, request_id=REQUEST_ID):
        workflow.fire(plan, "complete", commerce, "采购执行完毕，同意")


def _spares(contract, project, users):
    """A small plan still in draft, with a draft negotiation for it."""
    staff = users["svc_staff"]
    if ProcurementPlan.objects.filter(title=SPARES_TITLE).exists():
        return
    with acting_as(staff, request_id=REQUEST_ID):
        plan = records.create(ProcurementPlan(title=SPARES_TITLE, contract=contract, project=project,
                                              owner_department=staff.department,
                                              purpose="营收系统服务器常用备件（硬盘、电源）现场备货。"), staff)
        records.create(ProcurementItem(plan=plan, position=1, description="8 TB 企业级硬盘",
                                       category=SupplierCategory.HARDWARE, quantity=4, unit="块",
                                       unit_price=Decimal("2600.00"), required_by=date(2027, 1, 15)), staff)
        records.create(ProcurementItem(plan=plan, position=2, description="服务器冗余电源模块",
                                       category=SupplierCategory.HARDWARE, quantity=2, unit="个",
                                       unit_price=Decimal("1800.00"), required_by=date(2027, 1, 15)), staff)
        tender = records.create(Tender(title=SPARES_TENDER_TITLE, plan=plan, method=TenderMethod.NEGOTIATION,
                                       bid_deadline=date(2027, 1, 5), owner_department=users["commerce"].department,
                                       requirements="原厂或兼容认证备件，质保一年。"), staff)
        records.create(TenderCriterion(tender=tender, position=1, name="价格", weight=60), staff)
        records.create(TenderCriterion(tender=tender, position=2, name="交货期", weight=40), staff)

