"""Demo annual IT service business goals (SP-2.3): 2026's approved by the Technical Service Division director
with tasks allocated to departments, 2027's being drafted; and, once every stage has its demo data (`finish`, the
late pass of load_demo), the projects serving the 2026 goals and an approved management review (SP-2.1, SP-2.2) of
the twelve months up to this one (the annual review held in the period's last month), its inputs taken from the
whole demo company, with the General Manager's decisions: one improvement (opened in the register on approval), one
action done, two open (one overdue).
Idempotent; audited."""

from datetime import date, timedelta

from django.utils import timezone

from core import records, workflow
from core.context import acting_as
from core.demo import REQUEST_ID
from core.rows import set_links

from . import review as reviews
from .choices import DecisionKind, DecisionStatus
from .models import AnnualGoals, Decision, Goal, ManagementReview, TaskAllocation

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


# ---- the late pass: after every stage's demo data ------------------------------------------------------------

REVIEW_ADVICE = (
    "服务质量方针保持“客户至上、持续改进”，建议将 SLA 达成率目标由 95% 提高到 97%，与主要客户合同承诺一致。",
    "金融、医疗行业客户对信创替代与数据安全合规的要求明显提高；同业公司已推出 7×24 驻场与远程一体化服务。",
    "本期运维合同全部按期交付，温州水务割接项目已验收关闭；夜间 P2 工单响应仍有未达标月份，人员负荷偏高。",
)


def finish(context):
    """The late pass (core's load_demo calls it after every app's `load`): the review reads every stage's data."""
    _serve_goals(context)
    _management_review(context)


def _serve_goals(context):
    """The demo projects serve the 2026 SLA goal (their progress rolls up into it), linked from the project side as
    the project's own form does. Projects come after strategy, so the model is read from the link, not imported."""
    goal = Goal.objects.filter(annual_goals__year=2026, annual_goals__status="approved", code="G1").first()
    if goal is None or goal.projects.exists():
        return
    project_model = Goal._meta.get_field("projects").related_model
    director = context.users["tsd_director"]
    with acting_as(director, request_id=REQUEST_ID):
        for project in project_model.objects.order_by("pk"):
            set_links(project, "goals", [*project.goals.all(), goal], director)


def review_period(today=None):
    """The twelve months up to today's month: the demo's records, written today, belong to it."""
    today = today or timezone.localdate()
    start_year, start_month = reviews.add_months(today, -11)
    return date(start_year, start_month, 1), reviews.last_day(today.year, today.month)


def _management_review(context):
    if ManagementReview.objects.filter(number__startswith="SP-MR").exists():
        return
    users, departments = context.users, context.departments
    mr, gm = users["mr"], users["gm"]
    today = timezone.localdate()
    start, end = review_period(today)
    meeting = today  # held today: its period is the twelve months the demo's records belong to
    goal = Goal.objects.filter(annual_goals__year=2026, annual_goals__status="approved", code="G1").first()
    with acting_as(mr, request_id=REQUEST_ID):
        review = records.create(ManagementReview(
            title=f"{start:%Y-%m} – {end:%Y-%m} 年度管理评审", period_start=start, period_end=end,
            meeting_date=meeting, owner_department=departments["gmo"],
            advice_policy=REVIEW_ADVICE[0], advice_industry=REVIEW_ADVICE[1], advice_business=REVIEW_ADVICE[2]),
            mr, comment="初版")
        set_links(review, "attendees", [users[name] for name in ("gm", "mr", "tsd_director", "svc_manager", "commerce")
                                        if name in users], mr)
        review = reviews.take_inputs(review, mr)
        workflow.fire(review, "submit", mr, "提交总经理评审")
    decisions = [
        (DecisionKind.IMPROVEMENT, "夜间 P2 工单响应改进：增设夜间二线值班并实行 15 分钟电话回访", "svc_manager",
         today + timedelta(days=60), None),
        (DecisionKind.RESOURCES, "增派 2 名信创数据库工程师支持金融行业项目", "tsd_director",
         today + timedelta(days=20), None),
        (DecisionKind.GOAL_CHANGE, "2027 年 SLA 达成率目标提高到 97%", "tsd_director",
         today + timedelta(days=10), goal),
        (DecisionKind.POLICY, "修订服务质量方针并全员宣贯", "mr", today - timedelta(days=2), None),
    ]
    with acting_as(gm, request_id=REQUEST_ID):
        for kind, text, owner, due, decided_goal in decisions:
            if kind == DecisionKind.GOAL_CHANGE and decided_goal is None:
                kind = DecisionKind.OTHER
            records.create(Decision(review=review, kind=kind, decision=text, owner=users[owner], due_date=due,
                                    goal=decided_goal), gm)
        workflow.fire(review, "approve", gm, "同意，按决议落实")
    done = review.decisions.get(kind=DecisionKind.RESOURCES)
    with acting_as(mr, request_id=REQUEST_ID):
        reviews.track(done, mr, DecisionStatus.DONE, today - timedelta(days=1),
                      "两名工程师已于月内到岗，并完成信创数据库认证培训。")
