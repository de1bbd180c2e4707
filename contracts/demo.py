"""Demo contracts, loaded by `manage.py load_demo` after the catalogue and pre-sales demos (idempotent; audited).

Three contracts approved (served while the paperwork is signed), and the pre-sales chain carried on for each of
presales.demo's two 温州水务 engagements: the contract drafted from the approved proposal, its SLA, the contract
review with the Service Department's and Commerce's opinions, signing (which signs the SLA). The cut-over support
contract (July to September 2026) has ended; the annual operations contract runs from October 2026.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from catalog.demo import ALWAYS_OPEN, BEIJING_5X8
from catalog.models import Calendar, ServiceTier
from core import audit, records, workflow
from core.choices import RecordStatus
from core.context import acting_as
from customers.models import Customer
from presales.demo import FINISHED_REQUIREMENT_TITLE, REQUIREMENT_TITLE
from presales.models import PresalesProposal

from .choices import Verdict
from .models import Contract, ContractReview, PaymentMilestone
from .services import (
    contract_from_proposal,
    ensure_opinions,
    give_opinion,
    sign_contract,
    signatory_defaults,
    sla_from,
)

# customer code, title, service code, tier name, business calendar, start, end, tickets/month override, signed
CONTRACTS = [
    ("hzbank", "杭州联合银行 应用运维服务合同（金牌 5x8）", "application", "金", BEIJING_5X8,
     date(2026, 1, 1), date(2027, 12, 31), None, False),
    ("szmetro", "苏州轨道交通 网络运维服务合同（7x24）", "network", "金", ALWAYS_OPEN,
     date(2026, 1, 1), date(2026, 12, 31), 2000, False),
    ("nbhospital", "宁波第一医院 桌面运维服务合同（银牌 5x8）", "desktop", "银", BEIJING_5X8,
     date(2026, 3, 1), date(2027, 2, 28), None, True),
]


# What every demo contract says beyond its services and prices (a real contract's standard clauses).
TERMS = {
    "renewal_terms": "合同期满前 60 日内双方均未书面提出异议的，合同按原条件自动续期一年。",
    "termination_terms": "任何一方严重违约且在收到书面通知后 30 日内未纠正的，守约方可书面通知解除合同；"
                         "提前解除的，已提供的服务按实际服务月数结算。",
    "confidentiality_terms": "双方对在履行本合同过程中知悉的对方商业秘密、技术资料和业务数据负有保密义务，"
                             "保密期限自合同签署之日起至合同终止后三年。",
}
SITES = {"hzbank": "杭州联合银行总行数据中心（杭州市上城区钱江路 58 号）\n杭州联合银行灾备中心（杭州市余杭区）",
         "szmetro": "苏州轨道交通控制中心（苏州市姑苏区干将西路 668 号）\n沿线各车站通信机房",
         "nbhospital": "宁波第一医院门诊楼、住院楼各科室终端（宁波市海曙区柳汀街 59 号）",
         "wzwater": "温州市水务集团总部数据中心 A 机房（温州市鹿城区府前街 28 号）"}
CUSTOMER_SIGNATORIES = {"hzbank": "周建华（信息科技部总经理）", "szmetro": "钱立新（信息中心主任）",
                        "nbhospital": "孙慧敏（信息科科长）"}
COMPANY_SIGNATORY = "吴强（客户经理）"


def load(context):
    _approved_contracts(context.users, context.departments)
    for chain in CHAINS:
        proposal = PresalesProposal.objects.filter(requirement__title=chain.requirement_title,
                                                   status=RecordStatus.APPROVED).order_by("-version").first()
        if proposal is not None:
            load_chain(proposal, context.users, context.departments, chain)


def _approved_contracts(users, departments):
    """Create and approve the demo contracts that do not exist yet (in any version); sign those marked so, with
    their SLA from the catalogue tier and a passed contract review."""
    author, approver = users["sales"], users["svc_manager"]
    for code, title, service, tier_name, calendar, start, end, limit, signed in CONTRACTS:
        if Contract.objects.filter(title=title).exists():
            continue
        tier = ServiceTier.objects.filter(service__code=service, name=tier_name, status=RecordStatus.APPROVED) \
            .order_by("-version").first()
        with acting_as(author, request_id="load_demo"):
            contract = records.create(Contract(
                title=title, customer=Customer.objects.get(code=code), owner_department=departments["sales"],
                start_date=start, end_date=end, service_tier=tier, calendar=Calendar.objects.get(name=calendar),
                monthly_ticket_limit=limit, service_sites=SITES[code], customer_signatory=CUSTOMER_SIGNATORIES[code],
                company_signatory=COMPANY_SIGNATORY, payment_terms="服务费按季度支付，每季度首月 15 日前凭发票付款。",
                **TERMS), author, comment="初版")
            if signed:
                sla_from(tier, contract, start, author)
            workflow.fire(contract, "submit", author, "提交评审")  # its SLA is submitted with it
        with acting_as(approver, request_id="load_demo"):
            workflow.fire(contract, "approve", approver, "同意，SLA 指标可交付")
        if signed:
            _review_and_sign(contract, users, departments, {})


# ---- the pre-sales → signed SLA chain, from presales.demo's approved proposals ---------------------

CHAIN_TITLE = "温州水务 营收系统应用运维服务合同"
CHAIN_START, CHAIN_END = date(2026, 10, 1), date(2027, 9, 30)
FINISHED_TITLE = "温州水务 营收系统升级割接保障服务合同"
FINISHED_START, FINISHED_END = date(2026, 7, 1), date(2026, 9, 30)


@dataclass(frozen=True)
class ContractChain:
    """What the demo writes into one engagement's contract beyond what the proposal carries over."""

    requirement_title: str
    title: str
    start: date
    end: date
    payment_terms: str
    involves_procurement: bool = False
    milestones: tuple = ()  # (name, due date, amount, condition): replaces the quarterly instalments
    verdicts: dict = field(default_factory=dict)
    conclusion: str = "合同条款、SLA 与售前方案一致，同意签署。"
    signed_on: date | None = None  # None: today


RUNNING = ContractChain(
    REQUIREMENT_TITLE, CHAIN_TITLE, CHAIN_START, CHAIN_END,
    payment_terms="按季度支付服务费；备份服务器随第一期款项支付。",
    involves_procurement=True,  # two backup servers are bought for the service
    verdicts={"commerce": (Verdict.CONDITIONAL, "备份服务器采购须在合格供方名录内比价，供货周期不超过 30 天。")})
FINISHED = ContractChain(
    FINISHED_REQUIREMENT_TITLE, FINISHED_TITLE, FINISHED_START, FINISHED_END,
    payment_terms="合同签订后 15 日内支付 50%；项目验收合格后 30 日内支付 50%。",
    milestones=(("首付款（50%）", FINISHED_START, "75000.00", "合同签订后 15 日内凭发票付款。"),
                ("验收款（50%）", FINISHED_END, "75000.00", "项目验收合格后 30 日内凭发票付款。")),
    conclusion="割接方案、保障期 SLA 与售前方案一致，同意签署。", signed_on=date(2026, 6, 20))
CHAINS = (FINISHED, RUNNING)


def load_chain(proposal, users, departments, chain=RUNNING):
    """Contract from the approved proposal, its SLA approved, the review with the Service Department's and
    Commerce's opinions passed, the contract signed (which signs the SLA). Idempotent."""
    if Contract.objects.filter(title=chain.title).exists():
        return
    sales, manager = users["sales"], users["svc_manager"]
    with acting_as(sales, request_id="load_demo"):
        contract = contract_from_proposal(proposal, sales, title=chain.title,
                                          start_date=chain.start, end_date=chain.end,
                                          owner_department=departments["sales"])
        before = audit.snapshot(contract)
        contract.customer_signatory, contract.company_signatory = "林国栋（信息中心主任）", "吴强（客户经理）"
        contract.involves_procurement = chain.involves_procurement
        contract.payment_terms = chain.payment_terms
        contract.service_sites = SITES["wzwater"]
        for name, text in TERMS.items():
            setattr(contract, name, text)
        records.update(contract, sales, before)
        if chain.milestones:
            for row in list(contract.milestones.all()):
                records.delete(row, sales)
            for name, due, amount, condition in chain.milestones:
                records.create(PaymentMilestone(contract=contract, name=name, due_date=due, amount=Decimal(amount),
                                                condition=condition), sales)
        workflow.fire(contract, "submit", sales, "合同及 SLA 提交评审")
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(contract, "approve", manager, "同意，SLA 指标可交付")
    _review_and_sign(contract, users, departments, chain.verdicts, conclusion=chain.conclusion,
                     signed_on=chain.signed_on)


# department code: the demo user who signs its review opinion
OPINION_GIVERS = {"service": "svc_staff", "commerce": "commerce"}


def _review_and_sign(contract, users, departments, verdicts, conclusion="合同条款、SLA 与服务能力一致，同意签署。",
                     signed_on=None):
    """The Service Department's contract review, every required department's opinion (agree unless `verdicts`
    says otherwise), then Sales signs (which signs the SLA)."""
    staff, sales = users["svc_staff"], users["sales"]
    with acting_as(staff, request_id="load_demo"):
        review = records.create(ContractReview(contract=contract, owner_department=departments["service"],
                                               conclusion=conclusion), staff)
        ensure_opinions(review, staff)
        workflow.fire(review, "submit", staff, "请各部门评审")
    for code, username in OPINION_GIVERS.items():
        opinion = review.opinions.filter(department=departments[code]).first()
        if opinion is not None:
            verdict, comment = verdicts.get(code, (Verdict.AGREE, opinion.comment or "同意"))
            with acting_as(users[username], request_id="load_demo"):
                give_opinion(opinion, users[username], verdict, comment)
    with acting_as(sales, request_id="load_demo"):
        contract.refresh_from_db()
        signatories = signatory_defaults(contract, today=signed_on)
        sign_contract(contract, sales, signatories, comment="双方已盖章签署")
