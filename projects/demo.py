"""Demo projects, loaded by `manage.py load_demo` (idempotent, through the services, audited).

From the signed 温州水务 contract, a running project: initiation application and initiation plan approved, the
project plan reviewed and approved, the work plan approved as baseline (version 1), an earlier change approved
(version 2 is the baseline, version 1 superseded), a second change request checked and waiting for the Service
Department manager (version 3 in review), and the PM drafting the next change. From the signed hospital contract,
a younger project: its initiation application approved by the department and waiting for the Technical Service
Division director, its project plan approved, and the PM drafting the work plan meanwhile.
From the signed and ended 温州水务 cut-over support contract (July to September 2026), a finished project: the
same chain approved, one change approved (the cut-over moved three days), and every task of the baseline done
with its actual dates; closure.demo summarises, reviews, has it accepted and closes it.
Each step is skipped when its contract is not signed or its record exists.
"""

from datetime import date, timedelta
from decimal import Decimal

from contracts.demo import CHAIN_TITLE, FINISHED_TITLE
from contracts.models import Contract
from core import records, workflow
from core.context import acting_as
from core.rows import set_links

from . import services
from .choices import FindingState, Level, ProjectCategory, ProjectRole, ReviewVerdict, TaskState
from .models import (
    ChangeRequest,
    Dependency,
    InitiationApplication,
    InitiationPlan,
    PlanMilestone,
    PlanReview,
    PlanRisk,
    Project,
    ProjectPlan,
    QualityObjective,
    ReviewFinding,
    Task,
    TeamMember,
    WorkPlan,
)

# name, start (days after the first), duration (days), effort (h), assignee, parent index, predecessors, milestone
TASKS = [
    ("项目启动与交接", 0, 1, 0, None, None, (), False),
    ("现状调研与资产梳理", 0, 5, 40, "member", 0, (), False),
    ("运维手册与应急预案编制", 5, 5, 40, "member", 0, (1,), False),
    ("监控接入与告警配置", 5, 5, 32, "member", 0, (1,), False),
    ("运维方案评审", 10, 1, 8, "pm", 0, (2, 3), False),
    ("正式运维启动", 11, 1, 0, None, None, (4,), True),
    ("首月服务月报", 40, 2, 8, "pm", None, (5,), False),
]


# The finished cut-over support project (first task on 2026-07-01): every task done, one a day late.
FINISHED_TASKS = [
    ("割接准备", 0, 14, 0, None, None, (), False),
    ("现状调研与割接方案编制", 0, 7, 40, "member", 0, (), False),
    ("割接演练与回退验证", 7, 6, 32, "member", 0, (1,), False),
    ("割接方案评审", 13, 1, 8, "pm", 0, (2,), False),
    ("系统割接上线", 15, 2, 24, "member", None, (3,), False),
    ("割接完成", 17, 1, 0, None, None, (4,), True),
    ("保障期运维", 18, 67, 240, "member", None, (5,), False),
    ("月度服务报告（7–9 月）", 32, 60, 24, "pm", None, (5,), False),
    ("项目总结与验收准备", 88, 4, 16, "pm", None, (6,), False),
]
# One criterion a line: the internal review proposes each as a criterion (closure.demo).
# (The SLA over the period is a criterion of the contract's, proposed from the signed SLA.)
FINISHED_ACCEPTANCE = "系统割接一次成功，业务无中断\n交付割接方案、回退方案、运维手册与三个月的服务月报\n保障期满移交常态化运维团队"
# task name: days its actual end is later than planned
FINISHED_LATE = {"割接演练与回退验证": 1}
FINISHED_INITIATION = {
    "objectives": "营收系统 V6.2 升级一次割接成功，保障期三个月 SLA 全部达标，期满移交常态化运维。",
    "scope": "营收系统升级割接方案、演练与实施，割接后三个月的应用与数据库运维保障。",
    "organisation": "项目经理杨帆全面负责；运维工程师黄晓明负责割接实施与驻场保障；数据库专家远程二线支持。",
    "schedule": "第 1–2 周方案与演练；第 3 周割接上线；此后至 9 月底保障期运维，期末总结与验收。",
    "resources": "项目经理 1 名、驻场工程师 1 名、数据库专家 0.5 名。", "budget": Decimal("120000"),
}
RUNNING_INITIATION = {
    "objectives": "三个月内完成交接并进入常态化运维，SLA 全部达标。",
    "scope": "营收系统应用与数据库、客服热线系统、中间件及其服务器。",
    "organisation": "项目经理杨帆全面负责；运维工程师黄晓明驻场；数据库专家远程二线支持。",
    "schedule": "第 1 月交接与调研；第 2 月监控接入与手册编制；第 3 月起常态化运维。",
    "resources": "项目经理 1 名、驻场工程师 1 名、数据库专家 0.5 名。", "budget": Decimal("480000"),
}

HOSPITAL_CUSTOMER = "nbhospital"


def load(context):
    users = context.users
    finished = _signed(title=FINISHED_TITLE)
    if finished is not None:
        project = Project.objects.filter(contract__number=finished.number).first() or _running_project(
            finished, users, budget="120000", tasks=FINISHED_TASKS,
            acceptance_criteria=FINISHED_ACCEPTANCE, milestone=("割接完成", 20))
        _initiation_plan(project, users, FINISHED_INITIATION)
        _earlier_change(project, users, "系统割接窗口顺延三天", "客户营业网点客户端升级延后，割接窗口顺延三天。",
                        "系统割接上线", days=3)
        _all_tasks_done(project, users)
    running = _signed(title=CHAIN_TITLE)
    if running is not None:
        project = Project.objects.filter(contract__number=running.number).first() or _running_project(running, users)
        _initiation_plan(project, users)
        _earlier_change(project, users)
        _change_request(project, users)
        _next_change_drafted(project, users)
    opening = _signed(customer__code=HOSPITAL_CUSTOMER)
    if opening is not None:
        project = Project.objects.filter(contract__number=opening.number).first() or _opening_project(opening, users)
        _drafted_work_plan(project, users)


def _signed(**lookup):
    return Contract.objects.signed().filter(**lookup).order_by("-version").first()


def _open(contract, users, allocation):
    manager, pm = users["svc_manager"], users["pm"]
    with acting_as(manager, request_id="load_demo"):
        project = services.open_project(contract, manager, category=ProjectCategory.OPERATIONS)
        services.appoint_manager(project, pm, manager)
    with acting_as(pm, request_id="load_demo"):
        services.save_member(TeamMember(project=project, user=users["member"], role=ProjectRole.ENGINEER,
                                        allocation=allocation, start_date=project.start_date,
                                        end_date=project.end_date), pm)
    return project


def _application(project, pm, budget):
    application = records.create(InitiationApplication(
        project=project, title=f"{project.name} 立项申请", owner_department=pm.department, contract=project.contract,
        category=ProjectCategory.OPERATIONS, project_manager=pm, planned_start=project.start_date,
        planned_end=project.end_date, budget=Decimal(budget), necessity="客户核心业务系统需要专业运维保障。",
        feasibility="服务部具备相应技能，人员可按计划到位。"), pm, comment="初版")
    workflow.fire(application, "submit", pm)
    return application


def _opening_project(contract, users):
    """Opened, application approved by the department: on the Technical Service Division director's to-do list."""
    project = _open(contract, users, allocation=20)
    pm, manager = users["pm"], users["svc_manager"]
    with acting_as(pm, request_id="load_demo"):
        application = _application(project, pm, "260000")
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(application, "approve_department", manager, "同意，请事业部审批")
    return project


def _drafted_work_plan(project, users):
    """The project plan reviewed and approved; the PM drafts the work plan (not submitted yet)."""
    if ProjectPlan.objects.filter(project=project).exists() or WorkPlan.objects.filter(project=project).exists():
        return
    pm, director = users["pm"], users["tsd_director"]
    with acting_as(pm, request_id="load_demo"):
        plan = _plan(project, pm, users)
    with acting_as(director, request_id="load_demo"):
        workflow.fire(plan, "approve", director, "同意")
    with acting_as(pm, request_id="load_demo"):
        _work_plan(project, pm, users, tasks=3)


def _running_project(contract, users, budget="480000", tasks=TASKS, acceptance_criteria="连续三个月 SLA 全部达标。",
                     milestone=("正式运维启动", 30)):
    """Opened, initiation and plans approved, the work plan approved as the baseline."""
    manager, pm, director = users["svc_manager"], users["pm"], users["tsd_director"]
    project = _open(contract, users, allocation=80)
    with acting_as(pm, request_id="load_demo"):
        application = _application(project, pm, budget)
        plan = _plan(project, pm, users, acceptance_criteria, milestone)
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(application, "approve_department", manager, "同意")
    with acting_as(director, request_id="load_demo"):
        workflow.fire(application, "approve", director, "同意立项")
        workflow.fire(plan, "approve", director, "同意")
    with acting_as(pm, request_id="load_demo"):
        work_plan = _work_plan(project, pm, users, spec=tasks)
        workflow.fire(work_plan, "submit", pm)
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(work_plan, "approve", manager, "同意，作为基线执行")
    return project


def _initiation_plan(project, users, texts=RUNNING_INITIATION):
    if InitiationPlan.objects.filter(project=project).exists():
        return
    pm, director = users["pm"], users["tsd_director"]
    with acting_as(pm, request_id="load_demo"):
        plan = records.create(InitiationPlan(
            project=project, title=f"{project.name} 立项计划", owner_department=pm.department, **texts),
            pm, comment="初版")
        workflow.fire(plan, "submit", pm)
    with acting_as(director, request_id="load_demo"):
        workflow.fire(plan, "approve", director, "同意")


def _earlier_change(project, users, title="正式运维启动推迟两天", reason="客户机房割接延期，正式运维启动顺延两天。",
                    task_name="正式运维启动", days=2):
    """Early on, the customer moved a task back a few days: changed, checked and approved (version 2)."""
    if project.baseline() is None or ChangeRequest.objects.filter(project=project).exists():
        return
    change = _requested_change(project, users, title, reason, task_name, days=days)
    with acting_as(users["svc_manager"], request_id="load_demo"):
        workflow.fire(change, "approve", users["svc_manager"], "同意，修订计划作为新基线")


def _all_tasks_done(project, users):
    """The PM records every task of the baseline done, with its actual dates (as planned, or a little late)."""
    baseline = project.baseline()
    if baseline is None or services.progress_by_key(project):
        return
    pm = users["pm"]
    with acting_as(pm, request_id="load_demo"):
        for task in baseline.tasks.order_by("position"):
            late = FINISHED_LATE.get(task.name, 0)
            services.record_progress(project, task.key, pm, percent_complete=100, state=TaskState.DONE,
                                     actual_start=task.planned_start,
                                     actual_end=task.planned_end + timedelta(days=late),
                                     note=f"延期 {late} 天完成" if late else "按计划完成")


def _change_request(project, users):
    """The customer asks for the runbooks a week later: the revised work plan is checked and awaits approval."""
    title = f"{project.name} 运维手册交付推迟一周"
    if project.baseline() is None or ChangeRequest.objects.filter(project=project, title=title).exists() or \
            services.open_change(project) is not None:
        return
    _requested_change(project, users, "运维手册交付推迟一周",
                      "客户要求先完成营业网点扩容，运维手册与应急预案编制顺延一周。", "运维手册与应急预案编制", days=7)


def _next_change_drafted(project, users):
    """The PM drafts the next change; it is requested once the open one is decided."""
    title = f"{project.name} 增加季度容灾演练"
    if project.baseline() is None or ChangeRequest.objects.filter(project=project, title=title).exists():
        return
    pm = users["pm"]
    with acting_as(pm, request_id="load_demo"):
        records.create(ChangeRequest(
            project=project, baseline=project.baseline(), title=title, owner_department=pm.department,
            reason="客户提出每季度进行一次容灾切换演练，需增加演练准备与实施任务。"), pm, comment="初版")


def _requested_change(project, users, title, reason, task_name, days):
    """The PM requests a change, staff move the task in the revised plan, the PM checks it."""
    pm, staff = users["pm"], users["svc_staff"]
    with acting_as(pm, request_id="load_demo"):
        change = records.create(ChangeRequest(
            project=project, baseline=project.baseline(), title=f"{project.name} {title}", reason=reason,
            owner_department=pm.department), pm, comment="初版")
        workflow.fire(change, "request", pm, "客户书面提出")
    with acting_as(staff, request_id="load_demo"):
        revision = services.start_revision(change, staff)
        task = revision.tasks.get(name=task_name)
        services.reschedule(revision, task, task.planned_start + timedelta(days=days), staff)
    with acting_as(pm, request_id="load_demo"):
        workflow.fire(change, "check", pm, "修订计划已核对")
    return change


def _plan(project, pm, users, acceptance_criteria="连续三个月 SLA 全部达标。", milestone=("正式运维启动", 30)):
    plan = records.create(ProjectPlan(
        project=project, title=f"{project.name} 项目策划书", owner_department=pm.department,
        measures="双人值守；重大事件 15 分钟内升级；每月服务质量分析会。", resources="项目经理 1 名，运维工程师 2 名。",
        schedule="启动、调研、方案、正式运维四个阶段。", acceptance_criteria=acceptance_criteria,
        report_sections=["summary", "tickets", "sla", "availability", "improvements"],
        report_recipients=["lin.guodong@wzwater.example", "chen.xiaoyan@wzwater.example"],
        report_agreed_with="客户信息科"), pm, comment="初版")
    target = project.contract.service_tier.priority_targets.filter(priority="P1").first()
    records.create(QualityObjective(plan=plan, objective="P1 事件按时解决", metric="resolution", target="≥ 95%",
                                    measurement="服务月报按 SLA 统计", owner=pm, sla_target=target), pm)
    records.create(QualityObjective(plan=plan, objective="客户满意度", metric="satisfaction", target="≥ 90 分",
                                    measurement="季度满意度调查", owner=pm), pm)
    name, days = milestone
    records.create(PlanMilestone(plan=plan, name=name, due_date=project.start_date + timedelta(days=days)), pm)
    records.create(PlanRisk(plan=plan, description="关键人员流失", likelihood=Level.LOW, impact=Level.HIGH,
                            response="AB 角备份，知识库沉淀", owner=pm), pm)
    review = records.create(PlanReview(project=project, plan=plan, title=f"{project.name} 策划评审",
                                       owner_department=pm.department, held_on=project.start_date,
                                       location="公司 3 楼会议室", verdict=ReviewVerdict.PASSED,
                                       summary="策划书可行，通过评审。"), pm)
    set_links(review, "reviewers", [users["tsd_director"], users["svc_manager"]], pm)
    records.create(ReviewFinding(review=review, description="补充数据库备份策略", state=FindingState.CLOSED,
                                 resolution="已在措施中补充每日全备"), pm)
    workflow.fire(review, "conclude", pm)
    workflow.fire(plan, "submit", pm)
    return plan


def _work_plan(project, pm, users, tasks=None, spec=TASKS):
    plan = records.create(WorkPlan(project=project, title=f"{project.name} 工作计划表",
                                   owner_department=pm.department), pm, comment="初版")
    first = max(project.start_date, date(2026, 1, 5))
    created = []
    for name, offset, days, effort, who, parent, predecessors, milestone in spec[:tasks]:
        start = first + timedelta(days=offset)
        task = services.save_task(Task(
            work_plan=plan, name=name, planned_start=start, planned_end=start + timedelta(days=days - 1),
            effort_hours=Decimal(effort), assignee=users[who] if who else None, is_milestone=milestone,
            parent=created[parent] if parent is not None else None), pm)
        for index in predecessors:
            records.create(Dependency(work_plan=plan, predecessor=created[index], successor=task), pm)
        created.append(task)
    return plan
