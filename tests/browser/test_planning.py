"""Issue 5 in a real browser: from a signed contract to an approved work plan, a change and the new baseline.

Signed contract → project opened → PM appointed, team formed → initiation application approved (department
then division) → project plan reviewed and approved → work plan built (a Gantt drag moves a dependent task)
and approved → change request → revised plan approved → the baseline comparison shows the differences.
Screenshots taken here illustrate docs/guide/03-planning.md.
"""

import re
from datetime import date

import pytest

from .conftest import click_and_wait, login, logout, shot, transition

pytestmark = pytest.mark.browser


def save(page, url_pattern):
    page.click("#save-button")
    page.wait_for_url(re.compile(url_pattern))


def as_user(page, live_server, username, url):
    logout(page)
    login(page, live_server, username)
    page.goto(f"{live_server.url}{url}")


def add_task(page, live_server, plan, name, start, end, effort, assignee=None, parent=None, milestone=False):
    page.goto(f"{live_server.url}/projects/workplan/{plan.pk}/task/add/")
    page.fill("#id_name", name)
    if parent is not None:
        page.select_option("#id_parent", str(parent.pk))
    if assignee is not None:
        page.select_option("#id_assignee", str(assignee.pk))
    page.fill("#id_planned_start", start)
    page.fill("#id_planned_end", end)
    page.fill("#id_effort_hours", str(effort))
    if milestone:
        page.check("#id_is_milestone")
    save(page, rf"/projects/workplan/{plan.pk}/")
    return plan.tasks.get(name=name)


def drag_bar(page, task, days):
    """Drag a Gantt bar sideways by `days` and wait for the server's answer."""
    bar = page.locator(f"#gantt-bar-{task.pk}")
    bar.scroll_into_view_if_needed()  # the mouse acts inside the viewport only
    box = bar.bounding_box()
    day_width = float(page.locator("#gantt").get_attribute("data-day-width"))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    moves = page.locator("#gantt").get_attribute("data-moves")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + day_width * days / 2, y, steps=4)
    page.mouse.move(x + day_width * days, y, steps=4)
    page.mouse.up()
    page.wait_for_function("n => document.getElementById('gantt').dataset.moves !== n", arg=moves)
    assert "text-danger" not in (page.locator("#gantt-status").get_attribute("class") or "")


def test_from_signed_contract_to_a_changed_baseline(page, live_server, demo):
    from projects.models import ChangeRequest, InitiationApplication, PlanReview, Project, ProjectPlan, WorkPlan
    from projects.tests.helpers import signed_contract

    contract = signed_contract()  # test stand-in for issue 4's signing (see projects/tests/helpers.py)
    member, pm = demo["member"], demo["pm"]

    # The Service Department opens the project from the signed contract.
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}/projects/project/add/")
    page.select_option("#id_contract", str(contract.pk))
    page.fill("#id_name", "杭州联合银行应用运维项目")
    shot(page, "planning-01-open-project")
    save(page, r"/projects/project/\d+/$")
    project = Project.objects.get(contract=contract)
    assert project.kind == "new" and project.manager is None

    # The Service Department manager appoints the PM.
    as_user(page, live_server, "svc_manager", project.get_absolute_url())
    page.select_option("#id_manager", str(pm.pk))
    click_and_wait(page, "#appoint-button")
    assert str(pm) in page.locator("#project-manager").inner_text()

    # The PM forms the team; missing SLA skills are warned about, not refused.
    as_user(page, live_server, "pm", f"/projects/project/{project.pk}/team/add/")
    page.select_option("#id_user", str(member.pk))
    page.select_option("#id_role", "engineer")
    page.fill("#id_allocation", "80")
    save(page, rf"/projects/project/{project.pk}/")
    assert page.locator("#team-table tr[data-user='member']").count() == 1
    assert "Oracle" in page.locator("#team-warnings").inner_text()
    shot(page, "planning-02-team")

    # Initiation application: prefilled from the project; department manager, then division.
    click_and_wait(page, "#add-applications")
    assert page.locator("#id_contract").input_value() == str(contract.pk)
    page.fill("#id_budget", "480000")
    page.fill("#id_necessity", "客户核心业务系统需要 7x24 专业运维保障。")
    page.fill("#id_feasibility", "服务部具备 Oracle 与中间件运维能力，人员可按计划到位。")
    shot(page, "planning-03-application-form")
    save(page, r"/projects/initiationapplication/\d+/$")
    transition(page, "submit")
    application = InitiationApplication.objects.get(project=project)
    as_user(page, live_server, "svc_manager", application.get_absolute_url())
    transition(page, "approve_department", "同意立项。")
    as_user(page, live_server, "tsd_director", application.get_absolute_url())
    transition(page, "approve", "同意，按计划实施。")
    application.refresh_from_db()
    assert application.status == "approved"
    shot(page, "planning-04-application-approved")

    # The PM writes the project plan with a measurable objective linked to the SLA.
    as_user(page, live_server, "pm", f"/projects/projectplan/add/?project={project.pk}")
    page.fill("#id_measures", "双人值守，重大事件 15 分钟内升级。")
    page.fill("#id_resources", "项目经理 1 名、运维工程师 2 名。")
    page.fill("#id_acceptance_criteria", "连续三个月 SLA 达标。")
    page.check("input[name='report_sections'][value='summary']")
    page.check("input[name='report_sections'][value='sla']")
    page.fill("#id_report_recipients", "信息科 王主任")
    page.fill("#id_objectives-0-objective", "P1 事件按时解决")
    page.select_option("#id_objectives-0-metric", "resolution")
    page.fill("#id_objectives-0-target", "≥ 95%")
    page.fill("#id_objectives-0-measurement", "服务月报按 SLA 统计")
    page.select_option("#id_objectives-0-owner", str(pm.pk))
    page.locator("#id_objectives-0-sla_target").select_option(index=1)
    page.fill("#id_risks-0-description", "关键人员流失")
    page.fill("#id_risks-0-response", "AB 角备份")
    page.select_option("#id_risks-0-owner", str(pm.pk))
    shot(page, "planning-05-project-plan-form")
    save(page, r"/projects/projectplan/\d+/$")
    plan = ProjectPlan.objects.get(project=project)

    # The PM organises the review: reviewers, a finding closed, verdict passed; then submits the plan.
    click_and_wait(page, "#add-review")
    page.fill("#id_held_on", "2026-01-15")
    page.check(f"input[name='reviewers'][value='{demo['tsd_director'].pk}']")
    page.check(f"input[name='reviewers'][value='{demo['svc_manager'].pk}']")
    page.select_option("#id_verdict", "passed")
    page.fill("#id_findings-0-description", "补充数据库备份策略")
    page.select_option("#id_findings-0-state", "closed")
    page.fill("#id_findings-0-resolution", "已在措施中补充每日全备")
    save(page, r"/projects/planreview/\d+/$")
    transition(page, "conclude")
    review = PlanReview.objects.get(plan=plan)
    assert review.status == "approved"
    shot(page, "planning-06-plan-review")
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    transition(page, "submit")
    as_user(page, live_server, "tsd_director", plan.get_absolute_url())
    transition(page, "approve", "同意。")
    plan.refresh_from_db()
    assert plan.status == "approved"

    # The PM breaks the work down: tasks, a dependency; dragging a task in the Gantt chart moves its successor.
    as_user(page, live_server, "pm", f"/projects/workplan/add/?project={project.pk}")
    save(page, r"/projects/workplan/\d+/$")
    work_plan = WorkPlan.objects.get(project=project)
    survey = add_task(page, live_server, work_plan, "现状调研", "2026-02-02", "2026-02-06", 40, assignee=member)
    design = add_task(page, live_server, work_plan, "运维方案设计", "2026-02-09", "2026-02-13", 40, assignee=member)
    golive = add_task(page, live_server, work_plan, "正式运维启动", "2026-02-16", "2026-02-16", 0, milestone=True)
    for predecessor, successor in ((survey, design), (design, golive)):
        page.select_option("#id_predecessor", str(predecessor.pk))
        page.select_option("#id_successor", str(successor.pk))
        click_and_wait(page, "#dependency-add")
    assert work_plan.dependencies.count() == 2
    page.goto(f"{live_server.url}{work_plan.get_absolute_url()}")
    drag_bar(page, survey, 4)
    survey.refresh_from_db()
    design.refresh_from_db()
    assert survey.planned_start == date(2026, 2, 6)
    assert design.planned_start == date(2026, 2, 11), "the dependent task moved with it"
    row = page.locator(f"#task-table tr[data-task='{design.pk}'] .task-start")
    assert row.inner_text() == "2026-02-11"
    shot(page, "planning-07-gantt")
    transition(page, "submit")

    # Only the Service Department manager approves it: it becomes the baseline.
    as_user(page, live_server, "svc_manager", work_plan.get_absolute_url())
    transition(page, "approve", "同意。")
    work_plan.refresh_from_db()
    assert work_plan.status == "approved" and project.baseline() == work_plan
    assert page.locator("#baseline-note").count() == 1

    # The PM records progress against the baseline without changing it.
    as_user(page, live_server, "pm", work_plan.get_absolute_url())
    page.select_option("#progress-task", str(survey.key))
    page.fill("#progress-percent", "50")
    page.select_option("#progress-state", "in_progress")
    page.fill("#progress-start", "2026-02-06")
    click_and_wait(page, "#progress-save")
    assert "50 %" in page.locator(f"#task-table tr[data-task='{survey.pk}']").inner_text()
    shot(page, "planning-08-baseline-progress")

    # A verbal change request: staff revise the plan, the PM checks it, the manager approves it.
    page.goto(f"{live_server.url}/projects/changerequest/add/?project={project.pk}")
    page.fill("#id_title", "正式运维推迟一周")
    page.fill("#id_reason", "客户机房搬迁，正式运维启动推迟一周；增加机房迁移配合任务。")
    page.select_option("#id_form", "verbal")
    page.fill("#id_verbal_from", "客户信息科 王主任")
    page.fill("#id_verbal_at", "2026-02-10T10:00")
    save(page, r"/projects/changerequest/\d+/$")
    transition(page, "request")
    change = ChangeRequest.objects.get(project=project)
    assert change.status == "requested"

    as_user(page, live_server, "svc_staff", change.get_absolute_url())
    click_and_wait(page, "#prepare-revision")
    revision = change.revision()
    assert revision.version == 2 and page.url.endswith(revision.get_absolute_url())
    golive_revised = revision.tasks.get(key=golive.key)
    drag_bar(page, golive_revised, 7)
    add_task(page, live_server, revision, "机房迁移配合", "2026-02-23", "2026-02-25", 24, assignee=member)

    as_user(page, live_server, "pm", change.get_absolute_url())
    transition(page, "check")
    as_user(page, live_server, "svc_manager", change.get_absolute_url())
    transition(page, "approve", "同意变更。")
    change.refresh_from_db()
    revision.refresh_from_db()
    work_plan.refresh_from_db()
    assert change.status == "approved" and revision.status == "approved" and work_plan.status == "superseded"
    assert project.baseline() == revision

    # The comparison names what changed: a task added, the milestone moved.
    comparison = page.locator("#comparison-table")
    assert comparison.locator(".comparison-added", has_text="机房迁移配合").count() == 1
    moved = comparison.locator(".comparison-changed", has_text="正式运维启动")
    assert moved.count() == 1 and "2026-02-23" in moved.inner_text(), moved.inner_text()
    shot(page, "planning-09-change-comparison")
    page.goto(f"{live_server.url}{revision.get_absolute_url()}")
    assert page.locator("#baseline-note").count() == 1
    shot(page, "planning-10-new-baseline")
