"""Builders for project-stage tests: every write through the services and the workflow engine."""

from datetime import date, timedelta
from decimal import Decimal

from core import records, workflow
from core.context import acting_as

CONTRACT_TITLE = "杭州联合银行 应用运维服务合同（金牌 5x8）"


# ---------------------------------------------------------------------------------------------
# TEST-ONLY STAND-IN FOR CONTRACT SIGNING (issue 4). Until contract signing lands, a test makes a
# contract "signed" by a queryset update of its status, here and nowhere else. When signing exists,
# replace the body with the real signing flow.
# ---------------------------------------------------------------------------------------------
def sign_contract_for_test(contract):
    from contracts.models import Contract

    Contract.objects.filter(pk=contract.pk).update(status="signed")
    contract.refresh_from_db()
    return contract


def demo_contract(title=CONTRACT_TITLE):
    from contracts.models import Contract

    return Contract.objects.filter(title=title).order_by("-version").first()


def signed_contract(title=CONTRACT_TITLE):
    return sign_contract_for_test(demo_contract(title))


def opened_project(demo, *, team=True):
    """A project opened by the Service Department, PM appointed, `member` on the team."""
    from projects import services
    from projects.models import TeamMember

    contract = signed_contract()
    with acting_as(demo["svc_manager"]):
        project = services.open_project(contract, demo["svc_manager"], name="杭州联合银行应用运维项目")
        services.appoint_manager(project, demo["pm"], demo["svc_manager"])
    if team:
        with acting_as(demo["pm"]):
            services.save_member(TeamMember(project=project, user=demo["member"], role="engineer", allocation=60,
                                            start_date=project.start_date, end_date=project.end_date), demo["pm"])
    project.refresh_from_db()
    return project


def approved_plan(project, demo, recipients=("客户信息部",)):
    """A project plan with an objective, reviewed (passed, findings closed) and approved by the TSD director."""
    from projects.models import PlanReview, ProjectPlan, QualityObjective, ReviewFinding

    pm = demo["pm"]
    with acting_as(pm):
        plan = records.create(ProjectPlan(project=project, title="项目策划书", owner_department=pm.department,
                                          measures="7x24 值班", resources="2 名工程师", acceptance_criteria="SLA 达标",
                                          report_sections=["summary", "sla"], report_recipients=list(recipients)), pm)
        records.create(QualityObjective(plan=plan, objective="P1 响应", target="≥ 95 %", measurement="工单系统统计",
                                        owner=pm), pm)
        review = records.create(PlanReview(project=project, plan=plan, title="策划评审", owner_department=pm.department,
                                           held_on=date(2026, 1, 10), verdict="passed"), pm)
        review.reviewers.set([demo["tsd_director"], demo["svc_manager"]])
        records.create(ReviewFinding(review=review, description="补充风险", state="closed", resolution="已补充"), pm)
        workflow.fire(review, "conclude", pm)
        workflow.fire(plan, "submit", pm)
    with acting_as(demo["tsd_director"]):
        workflow.fire(plan, "approve", demo["tsd_director"], "同意")
    plan.refresh_from_db()
    return plan


def work_plan(project, demo, tasks=3, linked=True):
    """A draft work plan with a chain of `tasks` tasks (finish-to-start), assigned to the team member."""
    from projects import services
    from projects.models import Dependency, Task, WorkPlan

    pm = demo["pm"]
    with acting_as(pm):
        plan = records.create(WorkPlan(project=project, title="项目工作计划表", owner_department=pm.department), pm)
        previous = None
        start = date(2026, 2, 2)
        for index in range(tasks):
            task = services.save_task(Task(work_plan=plan, name=f"任务 {index + 1}", assignee=demo["member"],
                                           planned_start=start, planned_end=start + timedelta(days=4),
                                           effort_hours=Decimal("16")), pm)
            if previous is not None and linked:
                records.create(Dependency(work_plan=plan, predecessor=previous, successor=task), pm)
            previous = task
            start += timedelta(days=5)
    return plan


def approved_work_plan(project, demo, tasks=3):
    plan = work_plan(project, demo, tasks)
    with acting_as(demo["pm"]):
        workflow.fire(plan, "submit", demo["pm"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(plan, "approve", demo["svc_manager"], "同意")
    plan.refresh_from_db()
    return plan
