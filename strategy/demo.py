"""Demo annual IT service business goals (SP-2.3): 2026's approved by the Technical Service Division director
with tasks allocated to departments, 2027's being drafted (idempotent; audited)."""

from datetime import date

from core import records, workflow
from core.context import acting_as
from core.demo import REQUEST_ID

from .models import AnnualGoals, Goal, TaskAllocation

# year, title, summary, approved, goals: (code, goal, measure, target, tasks: (task, department, user, due))
GOALS = [
    (2026, "2026 年 IT 服务业务目标", "巩固金融、交通、医疗、公用事业四个行业的运维服务，SLA 全面达标。", True, [
        ("G1", "合同 SLA 达成率", "服务月报 SLA 统计", "≥ 95%",
         [("每月服务质量分析会跟踪未达标指标", "tsd", "tsd_staff", date(2026, 12, 31))]),
        ("G2", "客户满意度", "季度满意度调查", "≥ 90 分",
         [("季度满意度回访", "service", "svc_manager", date(2026, 12, 31))]),
        ("G3", "新签运维合同额", "已签署合同金额", "≥ 300 万元",
         [("公用事业行业售前拓展", "sales", "sales", date(2026, 12, 31))]),
    ]),
    (2027, "2027 年 IT 服务业务目标", "信创迁移服务能力建设，运维服务向数据库与应用深度延伸。", False, [
        ("G1", "信创数据库运维认证人数", "取得认证的工程师人数", "≥ 4 人",
         [("组织信创数据库培训与认证", "service", "svc_manager", date(2027, 6, 30))]),
    ]),
]


def load(context):
    users, departments = context.users, context.departments
    author, director = users["tsd_staff"], users["tsd_director"]
    for year, title, summary, approved, goals in GOALS:
        if AnnualGoals.objects.filter(year=year).exists():
            continue
        with acting_as(author, request_id=REQUEST_ID):
            record = records.create(AnnualGoals(title=title, year=year, summary=summary,
                                                owner_department=departments["tsd"]), author, comment="初版")
            for code, name, measure, target, tasks in goals:
                goal = records.create(Goal(annual_goals=record, code=code, name=name, measure=measure, target=target,
                                           owner_department=departments["tsd"]), author)
                for task, department, responsible, due in tasks:
                    records.create(TaskAllocation(goal=goal, task=task, department=departments[department],
                                                  responsible=users[responsible], due_date=due), author)
            if approved:
                workflow.fire(record, "submit", author, "提交审批")
        if approved:
            with acting_as(director, request_id=REQUEST_ID):
                workflow.fire(record, "approve", director, "同意")
