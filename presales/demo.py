"""Demo pre-sales data, loaded by `manage.py load_demo` (idempotent; every write through the services).

The company's staff skills and the pre-sales chain for the customer whose environment customers.demo loads
(温州水务): a service requirement collected by Sales and the Service Department and the Service Department's
proposal (fit check run, approved). contracts.demo carries the chain on to a signed contract.

Two engagements run through the chain (`CHAINS`): the annual application operations service (running), and before
it the three-month cut-over support of the billing system upgrade (July to September 2026), which the demo carries
through to a closed and accepted project (closure.demo).
"""

from dataclasses import dataclass, field


from catalog.choices import Priority, SkillLevel
from catalog.models import Calendar, ServiceTier
from core import records, rows, workflow
from core.choices import RecordStatus
from core.context import acting_as
from customers.models import Customer

from . import fitcheck, services
from .models import PresalesProposal, RequirementSkill, RequirementTarget, ServiceRequirement, StaffSkill

# username, skill, level, free capacity %
STAFF_SKILLS = [
    ("svc_staff", "Oracle / MySQL 数据库 (OCP)", SkillLevel.EXPERT, 100),
    ("svc_staff", "Linux 系统管理 (RHCE)", SkillLevel.SENIOR, 100),
    ("tsd_staff", "Oracle / MySQL 数据库 (OCP)", SkillLevel.EXPERT, 100),
    ("member", "中间件 (Tomcat / Nginx / WebLogic)", SkillLevel.SENIOR, 100),
    ("member", "Windows / macOS 终端维护", SkillLevel.INTERMEDIATE, 100),
    ("pm", "中间件 (Tomcat / Nginx / WebLogic)", SkillLevel.SENIOR, 100),
    ("pm", "路由交换 (CCNP / HCIP)", SkillLevel.SENIOR, 100),
    ("svc_manager", "VMware / KVM 虚拟化", SkillLevel.SENIOR, 40),
    ("svc_manager", "存储与备份", SkillLevel.INTERMEDIATE, 40),
    ("svc_manager", "防火墙与 VPN", SkillLevel.SENIOR, 40),
]

CUSTOMER = "wzwater"

REQUIREMENT_TITLE = "温州水务 营收系统应用运维服务需求"
REQUIREMENT = {
    "goals": "保障营业收费与客服热线系统稳定运行，营业时段故障 30 分钟内响应、8 小时内解决。",
    "scope": "营收系统应用与数据库（Oracle RAC）、客服热线系统、中间件及其所在服务器的日常运维与故障处理。",
    "requirements": "工作日驻场 1 人，7x24 电话支持；每月提交服务月报；重大故障 1 小时内到场。",
    "strategy": "以驻场加远程支持的方式承接，先完成现状评估与交接，再进入常态化运维。",
    "delivery_approach": "服务台统一受理，二线工程师远程处理，数据库专家按需到场。",
    "impact_technology": "集团计划于 2027 年将营收系统迁移至信创数据库，需要提前储备相关技能。",
    "impact_regulation": "需满足等保 2.0 三级要求及《城镇供水服务》标准中的收费服务时限。",
    "impact_user_environment": "营业网点扩展到 12 个，终端数量增加约 30%。",
    "availability_percent": "99.900", "rto_minutes": 240, "rpo_minutes": 60,
    "continuity_notes": "数据库每日全量备份、每 15 分钟归档日志；每半年一次灾备演练。",
    "users": 1500, "devices": 800, "tickets_per_month": 900,
}
REQUIRED_TARGETS = {Priority.P1: (30, 480), Priority.P2: (60, 960)}
REQUIRED_SKILLS = [("Oracle / MySQL 数据库 (OCP)", SkillLevel.EXPERT, 1)]



# ---- the cut-over support engagement that ended before the annual contract (closed in closure.demo) ------

FINISHED_REQUIREMENT_TITLE = "温州水务 营收系统升级割接保障服务需求"
FINISHED_REQUIREMENT = {
    "goals": "营收系统 V6.2 升级割接期间业务不中断，割接后三个月内系统稳定运行，故障及时响应和解决。",
    "scope": "营收系统升级割接方案、割接实施与回退保障，割接后三个月的应用与数据库运维。",
    "requirements": "割接窗口现场值守，工作日驻场 1 人；每月提交服务月报；期满出具项目总结报告并组织验收。",
    "strategy": "割接前完成演练与回退方案，割接后转入保障期运维，期满移交常态化运维团队。",
    "delivery_approach": "项目组现场实施割接，服务台受理割接后问题，数据库专家远程二线支持。",
    "impact_technology": "营收系统由 V5.8 升级至 V6.2，数据库升级至 Oracle 19c RAC。",
    "impact_regulation": "割接期间收费数据须完整可追溯，满足等保 2.0 三级要求。",
    "impact_user_environment": "割接后各营业网点终端需统一升级客户端。",
    "availability_percent": "99.900", "rto_minutes": 240, "rpo_minutes": 60,
    "continuity_notes": "割接前全量备份并完成回退演练；割接后每日全量备份。",
    "users": 1500, "devices": 800, "tickets_per_month": 400,
}


@dataclass(frozen=True)
class Chain:
    """One engagement of the demo customer from requirement to approved proposal (what `_chain` builds)."""

    requirement_title: str
    requirement: dict
    targets: dict
    skills: list
    proposal_title: str
    solution: str
    capability: str
    risks: str
    price_notes: str
    price: str
    line_notes: str
    comments: dict = field(default_factory=dict)


RUNNING = Chain(
    REQUIREMENT_TITLE, REQUIREMENT, REQUIRED_TARGETS, REQUIRED_SKILLS,
    proposal_title="温州水务 营收系统应用运维服务售前方案",
    solution="组建 3 人应用运维小组：驻场工程师 1 名负责日常巡检与一线处理，Oracle 专家与中间件工程师远程二线"
             "支持；接入公司服务台与监控平台，按 ITIL 流程管理事件、问题与变更。",
    capability="公司具备 Oracle OCP 认证专家 2 名、中间件高级工程师 2 名，"
               "服务过 3 家公用事业单位的营收系统运维。",
    risks="信创迁移期间需要额外的数据库迁移服务，另行报价。",
    price_notes="年度服务费，按季度支付；含驻场 1 人，不含备件。", price="680000.00",
    line_notes="应用运维银牌，5x8 驻场 + 7x24 电话")
FINISHED = Chain(
    FINISHED_REQUIREMENT_TITLE, FINISHED_REQUIREMENT, REQUIRED_TARGETS, REQUIRED_SKILLS,
    proposal_title="温州水务 营收系统升级割接保障服务售前方案",
    solution="组建割接保障小组：项目经理统筹割接方案与演练，驻场工程师负责割接值守与保障期一线处理，"
             "Oracle 专家负责数据迁移与回退保障；保障期接入公司服务台，按 ITIL 流程管理事件与变更。",
    capability="公司具备 Oracle OCP 认证专家 2 名，完成过 2 次公用事业营收系统升级割接。",
    risks="割接窗口内如数据校验不通过，按回退方案回退，割接顺延。",
    price_notes="合同签订后支付 50%，验收合格后支付 50%。", price="150000.00",
    line_notes="应用运维银牌，割接保障三个月（2026-07 至 2026-09）",
    comments={"requirement": "割接保障需求已与客户确认", "proposal": "割接方案与保障期服务可交付，同意"})
CHAINS = (FINISHED, RUNNING)


def load(context):
    """The staff skills and each engagement's requirement → proposal chain, if its requirement does not exist."""
    users, admin = context.users, context.users["admin"]
    with acting_as(admin, request_id="load_demo"):
        _staff_skills(users, admin)
    customer = Customer.objects.get(code=CUSTOMER)
    for chain in CHAINS:
        _chain(chain, customer, users, context.departments)


def _staff_skills(users, admin):
    for username, skill, level, free in STAFF_SKILLS:
        if not StaffSkill.objects.filter(user=users[username], skill=skill).exists():
            records.create(StaffSkill(user=users[username], skill=skill, level=level, free_capacity_percent=free),
                           admin)


def _chain(chain, customer, users, departments):
    if ServiceRequirement.objects.filter(title=chain.requirement_title).exists():
        return
    sales, staff, manager = users["sales"], users["svc_staff"], users["svc_manager"]
    with acting_as(sales, request_id="load_demo"):
        requirement = records.create(ServiceRequirement(
            title=chain.requirement_title, customer=customer, owner_department=departments["sales"],
            service_window=Calendar.objects.get(name="5x8 北京"), **chain.requirement), sales, comment="初版")
        rows.set_links(requirement, "participants", [sales, staff], sales)
        for priority, (response, resolution) in chain.targets.items():
            records.create(RequirementTarget(requirement=requirement, priority=priority, response_minutes=response,
                                             resolution_minutes=resolution), sales)
        for skill, level, headcount in chain.skills:
            records.create(RequirementSkill(requirement=requirement, skill=skill, level=level, headcount=headcount),
                           sales)
        workflow.fire(requirement, "submit", sales, chain.comments.get("requirement", "需求已与客户确认"))
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(requirement, "approve", manager, "需求清晰，同意")
    tier = ServiceTier.objects.get(service__code="application", name="银", status=RecordStatus.APPROVED)
    with acting_as(staff, request_id="load_demo"):
        proposal = records.create(PresalesProposal(
            title=chain.proposal_title, requirement=requirement,
            owner_department=departments["service"], environment_summary=services.environment_summary(customer),
            solution=chain.solution, capability=chain.capability, risks=chain.risks,
            price_notes=chain.price_notes), staff, comment="初版")
        services.add_line(proposal, tier, staff, price=chain.price, notes=chain.line_notes)
        fitcheck.run(proposal, staff)
        workflow.fire(proposal, "submit", staff, "提交评审")
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(proposal, "approve", manager, chain.comments.get("proposal", "符合性检查全部满足，同意"))
