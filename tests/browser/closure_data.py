"""A project at its end, built through the services as the departments would: the data the closure browser test
starts from.

A three-month network-operations contract of 苏州轨道交通集团 (2026-06-01 – 2026-08-31), its SLA from the
catalogue's gold tier, reviewed by the departments and signed; the project opened from it, PM appointed, a team
member; the project plan (quality objectives, a milestone, a deliverable) reviewed and approved; the work plan
approved as the baseline and every task recorded done
but the knowledge-base handover (80 %); the period's tickets, outages and maintenance imported;
the report profile approved and the three monthly reports generated, analysed, approved and issued. The customer
has a contact (钱立新) who may be given a login; nothing of the closure stage exists yet.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from catalog.demo import ALWAYS_OPEN

CUSTOMER = "szmetro"
TITLE = "苏州轨道交通 信号系统网络运维服务合同（三个月）"
START, END = date(2026, 6, 1), date(2026, 8, 31)
MONTHS = [(2026, 6), (2026, 7), (2026, 8)]
CONTACT = {"name": "钱立新", "job_title": "信息中心主任", "department": "信息中心",
           "email": "qian.lixin@szmetro.example", "phone": "0512-65010001"}
# name, start offset (days), duration (days), effort (h), who, actual end offset vs planned (days)
TASKS = [
    ("项目启动与交接", 0, 2, 8, "pm", 0),
    ("网络现状调研与资产梳理", 2, 8, 40, "member", 2),
    ("监控接入与告警配置", 10, 5, 32, "member", -1),
    ("运维手册与应急预案编制", 15, 6, 40, "member", 0),
    ("正式运维启动", 21, 1, 0, "pm", 0),
    ("三个月服务期运维", 22, 62, 480, "member", 0),
    ("运维知识库移交客户", 84, 7, 16, "member", None),  # still in progress at the end: handed over at closure
]
HANDOVER_TASK = TASKS[-1][0]
TSD_OBJECTIVE = "运维手册与应急预案通过技术评审并完成一次应急演练"
TICKETS = 240
SEED = 12


@dataclass
class EndedProject:
    contract: object
    project: object
    plan: object
    work_plan: object
    reports: list
    contact: object

    def read_again(self) -> "EndedProject":
        """The same records read from the database again (after their rows were put back from a copy)."""
        def again(obj):
            return type(obj).objects.get(pk=obj.pk)

        return EndedProject(again(self.contract), again(self.project), again(self.plan), again(self.work_plan),
                            [again(report) for report in self.reports], again(self.contact))


def ended_project(users) -> EndedProject:
    contract = _signed_contract(users)
    project = _project(contract, users)
    plan = _approved_plan(project, users)
    work_plan = _baseline_done(project, users)
    _service_data(contract, users["svc_staff"])
    reports = _issued_reports(contract, users)
    contact = _contact(contract.customer, users["sales"])
    return EndedProject(contract, project, plan, work_plan, reports, contact)


def _signed_contract(users):
    from catalog.models import Calendar, ServiceTier
    from contracts.choices import Verdict
    from contracts.models import Contract, ContractReview
    from contracts.services import ensure_opinions, give_opinion, sign_contract, signatory_defaults, sla_from
    from core import records, workflow
    from core.choices import RecordStatus
    from core.context import acting_as
    from customers.models import Customer

    sales, manager, staff = users["sales"], users["svc_manager"], users["svc_staff"]
    tier = ServiceTier.objects.filter(service__code="network", name="金", status=RecordStatus.APPROVED) \
        .order_by("-version").first()
    with acting_as(sales):
        contract = records.create(Contract(
            title=TITLE, customer=Customer.objects.get(code=CUSTOMER), owner_department=sales.department,
            start_date=START, end_date=END, service_tier=tier, calendar=Calendar.objects.get(name=ALWAYS_OPEN),
            service_sites="苏州轨道交通控制中心（苏州市姑苏区干将西路 668 号）",
            customer_signatory="钱立新（信息中心主任）", company_signatory="吴强（客户经理）",
            payment_terms="服务期满一次性支付。"), sales, comment="初版")
        sla_from(tier, contract, START, sales)
        workflow.fire(contract, "submit", sales, "提交评审")
    with acting_as(manager):
        workflow.fire(contract, "approve", manager, "同意")
    with acting_as(staff):
        review = records.create(ContractReview(contract=contract, owner_department=staff.department,
                                               conclusion="合同条款、SLA 与服务能力一致，同意签署。"), staff)
        ensure_opinions(review, staff)
        workflow.fire(review, "submit", staff, "请各部门评审")
    givers = {"service": users["svc_staff"], "commerce": users["commerce"]}  # by department code
    for opinion in review.opinions.select_related("department"):
        giver = givers[opinion.department.code]
        with acting_as(giver):
            give_opinion(opinion, giver, Verdict.AGREE, "同意")
    with acting_as(sales):
        contract.refresh_from_db()
        sign_contract(contract, sales, signatory_defaults(contract, today=date(2026, 5, 25)), comment="双方已盖章签署")
    contract.refresh_from_db()
    return contract


def _project(contract, users):
    from core.context import acting_as
    from projects import services
    from projects.choices import ProjectCategory, ProjectRole
    from projects.models import TeamMember

    manager, pm = users["svc_manager"], users["pm"]
    with acting_as(manager):
        project = services.open_project(contract, manager, name="苏州轨道交通 信号系统网络运维项目",
                                        category=ProjectCategory.OPERATIONS)
        services.appoint_manager(project, pm, manager)
    with acting_as(pm):
        services.save_member(TeamMember(project=project, user=users["member"], role=ProjectRole.ENGINEER,
                                        allocation=50, start_date=START, end_date=END), pm)
    project.refresh_from_db()
    return project


def _approved_plan(project, users):
    from core import records, workflow
    from core.context import acting_as
    from core.rows import set_links
    from projects.choices import FindingState, ReviewVerdict
    from projects.models import PlanMilestone, PlanReview, ProjectPlan, QualityObjective, ReviewFinding

    pm, director = users["pm"], users["tsd_director"]
    with acting_as(pm):
        plan = records.create(ProjectPlan(
            project=project, title=f"{project.name} 项目策划书", owner_department=pm.department,
            measures="7x24 监控值守；重大事件 15 分钟内升级。", resources="项目经理 1 名，网络工程师 1 名。",
            schedule="启动、调研、接入、正式运维四个阶段。",
            acceptance_criteria="服务期内 P1 事件按时解决率 ≥ 95%；交付运维手册。",
            report_sections=["summary", "tickets", "sla", "availability"],
            report_recipients=[CONTACT["email"]], report_agreed_with="客户信息中心"), pm, comment="初版")
        target = project.contract.service_tier.priority_targets.filter(priority="P1").first()
        records.create(QualityObjective(plan=plan, objective="P1 事件按时解决", metric="resolution", target="≥ 95%",
                                        measurement="服务月报按 SLA 统计", owner=pm, sla_target=target), pm)
        records.create(QualityObjective(plan=plan, objective="客户满意度", metric="satisfaction", target="≥ 90 分",
                                        measurement="月报满意度调查", owner=pm), pm)
        # Owned by the Technical Service Division: the internal review asks that division to judge it.
        records.create(QualityObjective(plan=plan, objective=TSD_OBJECTIVE, metric="other", target="经技术评审通过",
                                        measurement="技术服务事业部评审", owner=users["tsd_staff"]), pm)
        records.create(PlanMilestone(plan=plan, name="正式运维启动", due_date=START + timedelta(days=21),
                                     deliverable="运维手册与应急预案"), pm)
        review = records.create(PlanReview(project=project, plan=plan, title=f"{project.name} 策划评审",
                                           owner_department=pm.department, held_on=START, location="公司 3 楼会议室",
                                           verdict=ReviewVerdict.PASSED, summary="策划书可行，通过评审。"), pm)
        set_links(review, "reviewers", [users["tsd_director"], users["svc_manager"]], pm)
        records.create(ReviewFinding(review=review, description="补充核心交换机备件策略", state=FindingState.CLOSED,
                                     resolution="已补充"), pm)
        workflow.fire(review, "conclude", pm)
        workflow.fire(plan, "submit", pm)
    with acting_as(director):
        workflow.fire(plan, "approve", director, "同意")
    plan.refresh_from_db()
    return plan


def _baseline_done(project, users):
    """The work plan approved as the baseline; every task recorded done with its actual dates but the last, the
    knowledge-base handover, still in progress."""
    from core import records, workflow
    from core.context import acting_as
    from projects import services
    from projects.models import Dependency, Task, WorkPlan

    pm, manager = users["pm"], users["svc_manager"]
    with acting_as(pm):
        plan = records.create(WorkPlan(project=project, title=f"{project.name} 工作计划表",
                                       owner_department=pm.department), pm, comment="初版")
        previous = None
        for name, offset, days, effort, who, _late in TASKS:
            begin = START + timedelta(days=offset)
            task = services.save_task(Task(work_plan=plan, name=name, planned_start=begin,
                                           planned_end=begin + timedelta(days=days - 1), effort_hours=Decimal(effort),
                                           assignee=users[who], is_milestone=days == 1 and effort == 0), pm)
            if previous is not None:
                records.create(Dependency(work_plan=plan, predecessor=previous, successor=task), pm)
            previous = task
        workflow.fire(plan, "submit", pm)
    with acting_as(manager):
        workflow.fire(plan, "approve", manager, "同意，作为基线执行")
    plan.refresh_from_db()
    with acting_as(pm):
        for (name, _offset, _days, _effort, _who, late), task in zip(TASKS, plan.tasks.order_by("planned_start", "pk"),
                                                                      strict=True):
            assert task.name == name
            if late is None:
                services.record_progress(project, task.key, pm, percent_complete=80, state="in_progress",
                                         actual_start=task.planned_start)
                continue
            services.record_progress(project, task.key, pm, percent_complete=100, state="done",
                                     actual_start=task.planned_start,
                                     actual_end=task.planned_end + timedelta(days=late))
    return plan


def _service_data(contract, staff):
    from core import records
    from core.context import acting_as
    from servicedata import sla
    from servicedata.generator import generate_tickets, outage_plan
    from servicedata.importer import TicketImport
    from servicedata.models import MaintenanceWindow, Outage

    end = datetime(END.year, END.month, END.day, tzinfo=sla.contract_zone(contract)) + timedelta(days=1)
    with acting_as(staff):
        rows = list(generate_tickets(contract, TICKETS, SEED, len(MONTHS), end=end, prefix="SZM"))
        result = TicketImport(contract, staff, external_system="ITSM").run(
            lambda: enumerate(rows, start=2), name="ITSM 导出", sha256="")
        assert not result.rejected, result.errors[:3]
        outages, windows = outage_plan(contract, SEED, len(MONTHS), end=end)
        for model, items in ((Outage, outages), (MaintenanceWindow, windows)):
            for item in items:
                records.create(model(contract=contract, **item), staff)


def _issued_reports(contract, users):
    from core import audit, records, workflow
    from core.context import acting_as
    from reporting.models import MonthlyServiceReport, ReportProfile
    from reporting.services import monthly

    pm, manager = users["pm"], users["svc_manager"]
    with acting_as(pm):
        profile = records.create(ReportProfile(
            title=f"{contract.customer.name} 服务报告约定", contract=contract, owner_department=pm.department,
            recipients=[CONTACT["email"]]), pm, comment="与客户确认")
        workflow.fire(profile, "submit", pm, "提交审批")
    with acting_as(manager):
        workflow.fire(profile, "approve", manager, "同意")
    reports = []
    for year, month in MONTHS:
        with acting_as(pm):
            report = records.create(MonthlyServiceReport(
                title=f"{contract.customer.name} 服务月报 {year}-{month:02d}", contract=contract, year=year,
                month=month, owner_department=pm.department, summary="本月网络运行平稳。"), pm, comment="初版")
            report = monthly.run_generation(report, pm)
            for analysis in report.analyses.all():
                before = audit.snapshot(analysis)
                analysis.analysis, analysis.improvement = "夜间值守人手不足。", "增加夜间值班工程师。"
                records.update(analysis, pm, before)
            workflow.fire(report, "submit", pm, "提交审批")
        with acting_as(manager):
            workflow.fire(report, "approve", manager, "同意")
        with acting_as(pm):
            workflow.fire(report, "issue", pm, "发送客户")
        report.refresh_from_db()
        reports.append(report)
    assert all(r.status == "issued" for r in reports)
    return reports


def _contact(customer, sales):
    from core import records
    from core.context import acting_as
    from customers.models import Contact

    with acting_as(sales):
        return records.create(Contact(customer=customer, primary=True, **CONTACT), sales)
