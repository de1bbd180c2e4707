"""Pages, exports and query budgets of the project stage."""

import io
import shutil
import subprocess
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import require
from core import records, workflow
from core.context import acting_as

from .helpers import approved_plan, approved_work_plan, opened_project, signed_contract, work_plan

pytestmark = pytest.mark.django_db


def test_open_a_project_and_form_the_team_through_the_pages(demo, client_for):
    from projects.models import Project

    contract = signed_contract()
    staff = client_for("svc_staff")
    page = staff.get("/projects/project/add/")
    assert page.status_code == 200 and contract.number in page.content.decode()
    response = staff.post("/projects/project/add/", {"contract": contract.pk, "name": "", "category": "operations"})
    project = Project.objects.get(contract=contract)
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.name == contract.title and project.opened_by == demo["svc_staff"]
    assert client_for("svc_manager").post(f"/projects/project/{project.pk}/appoint/",
                                          {"manager": demo["pm"].pk}).status_code == 302
    pm = client_for("pm")
    assert pm.get(f"/projects/project/{project.pk}/team/add/").status_code == 200
    response = pm.post(f"/projects/project/{project.pk}/team/add/", {
        "user": demo["member"].pk, "role": "engineer", "allocation": 100, "start_date": "2026-01-01",
        "end_date": "2026-12-31"}, follow=True)
    body = response.content.decode()
    assert "team-warnings" in body and "Oracle" in body
    assert project.team.count() == 2
    assert client_for("member").get(f"/projects/project/{project.pk}/team/add/").status_code == 403


def test_every_page_of_the_stage_renders(demo, client_for):
    from projects.models import ChangeRequest, PlanReview, ProjectPlan

    project = opened_project(demo)
    plan = approved_plan(project, demo)
    baseline = approved_work_plan(project, demo)
    pm = demo["pm"]
    with acting_as(pm):
        change = records.create(ChangeRequest(project=project, baseline=baseline, title="变更", reason="原因",
                                              owner_department=pm.department), pm)
        workflow.fire(change, "request", pm)
    from projects import services

    revision = services.start_revision(change, demo["svc_staff"])
    review = PlanReview.objects.get(plan=plan)
    client = client_for("pm")
    pages = [
        "/projects/project/", f"/projects/project/{project.pk}/", f"/projects/project/{project.pk}/edit/",
        "/projects/initiationapplication/", f"/projects/initiationapplication/add/?project={project.pk}",
        "/projects/initiationplan/add/", "/projects/projectplan/", f"/projects/projectplan/{plan.pk}/",
        f"/projects/projectplan/add/?project={project.pk}", f"/projects/planreview/{review.pk}/",
        f"/projects/planreview/add/?project={project.pk}&plan={plan.pk}", "/projects/workplan/",
        f"/projects/workplan/{baseline.pk}/", f"/projects/workplan/{revision.pk}/",
        f"/projects/workplan/{revision.pk}/task/add/", f"/projects/changerequest/{change.pk}/",
        f"/projects/changerequest/add/?project={project.pk}", "/strategy/annualgoals/", "/strategy/annualgoals/add/",
    ]
    for url in pages:
        user = client_for("tsd_staff") if url.startswith("/strategy") else client
        response = user.get(url)
        assert response.status_code == 200, (url, response.status_code)
    detail = client.get(f"/projects/workplan/{revision.pk}/").content.decode()
    assert 'id="gantt-data"' in detail and "gantt.js" in detail and 'id="comparison"' in detail
    assert ProjectPlan.objects.get(pk=plan.pk).report_section_labels()


def test_project_plan_form_with_rows(demo, client_for):
    from projects.models import ProjectPlan

    project = opened_project(demo)
    client = client_for("pm")
    target = project.contract.service_tier.priority_targets.get(priority="P2")
    data = {"project": project.pk, "title": "策划书", "owner_department": demo["pm"].department_id,
            "measures": "措施", "resources": "资源", "acceptance_criteria": "验收", "report_period": "quarterly",
            "report_sections": ["summary", "sla"], "report_recipients": "王主任\nit@example.com",
            "confidentiality": "internal"}
    for prefix, rows in (("objectives", [{"objective": "P2 响应", "metric": "response", "target": "≥ 95%",
                                          "measurement": "工单", "owner": demo["pm"].pk, "sla_target": target.pk}]),
                         ("milestones", [{"name": "启动", "due_date": "2026-01-10"}]),
                         ("risks", [{"description": "风险", "likelihood": "low", "impact": "high", "response": "对策",
                                     "owner": demo["pm"].pk}])):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{k}": v for k, v in row.items()})
    response = client.post("/projects/projectplan/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = ProjectPlan.objects.get(project=project)
    assert plan.report_recipients == ["王主任", "it@example.com"] and plan.report_sections == ["summary", "sla"]
    assert plan.objectives.get().sla_target == target and plan.milestones.count() == 1 and plan.risks.count() == 1


def bulk_plan(project, demo, count):
    """A draft work plan with `count` tasks in a tree (bulk-created: this is a query-budget fixture)."""
    from projects import services
    from projects.models import Dependency, Task, TaskProgress, WorkPlan

    pm = demo["pm"]
    plan = records.create(WorkPlan(project=project, title="大计划", owner_department=pm.department), pm)
    start = date(2026, 1, 5)
    tasks = [Task(work_plan=plan, key=uuid.uuid4(), position=i, name=f"任务 {i}", assignee=demo["member"],
                  planned_start=start + timedelta(days=i % 300), planned_end=start + timedelta(days=i % 300 + 2))
             for i in range(count)]
    Task.objects.bulk_create(tasks, batch_size=500)
    for index, task in enumerate(tasks):
        if index % 10:
            task.parent_id = tasks[index - index % 10].pk
    Task.objects.bulk_update(tasks, ["parent"], batch_size=500)
    Dependency.objects.bulk_create([Dependency(work_plan=plan, predecessor=tasks[i - 1], successor=tasks[i])
                                    for i in range(2, count, 10)], batch_size=500)
    TaskProgress.objects.bulk_create([TaskProgress(project=project, task_key=t.key, percent_complete=10,
                                                   recorded_by=pm) for t in tasks[:count // 2]], batch_size=500)
    services.renumber(plan)
    return plan


@pytest.mark.parametrize("count", [20, 2000])
def test_query_budget_of_the_work_plan_page_and_api(count, demo, client_for):
    project = opened_project(demo)
    plan = bulk_plan(project, demo, count)
    client = client_for("pm")
    client.get(f"/projects/workplan/{plan.pk}/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as page:
        response = client.get(f"/projects/workplan/{plan.pk}/")
    assert response.status_code == 200 and f"任务 {count - 1}" in response.content.decode()
    with CaptureQueriesContext(connection) as api:
        data = client.get(f"/api/projects/work-plans/{plan.pk}/").json()
    assert len(data["tasks"]) == count
    with CaptureQueriesContext(connection) as tasks_api:
        client.get(f"/api/projects/tasks/?work_plan={plan.pk}&limit=500")
    assert len(page) <= 60, [q["sql"][:120] for q in page.captured_queries]
    assert len(api) <= 15 and len(tasks_api) <= 15


def test_query_counts_are_equal_for_20_and_2000_tasks(demo, client_for):
    from projects.models import WorkPlan

    counts = []
    project = opened_project(demo)
    for count in (20, 2000):
        plan = bulk_plan(project, demo, count)
        client = client_for("pm")
        client.get(f"/projects/workplan/{plan.pk}/")
        with CaptureQueriesContext(connection) as page:
            client.get(f"/projects/workplan/{plan.pk}/")
        with CaptureQueriesContext(connection) as api:
            client.get(f"/api/projects/work-plans/{plan.pk}/")
        counts.append((len(page), len(api)))
        WorkPlan.objects.filter(pk=plan.pk).update(status="superseded")  # keep one draft per test
    assert counts[0] == counts[1], counts


def test_work_plan_exports_with_gantt_image_and_xlsx_round_trip(demo, client_for):
    from projects.models import Task

    project = opened_project(demo)
    plan = work_plan(project, demo, tasks=4)
    client = client_for("pm")
    pdf = client.get(f"/projects/workplan/{plan.pk}/export/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(f"/projects/workplan/{plan.pk}/export/?format=docx")
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    assert document.inline_shapes, "the Gantt chart is in the DOCX as an image"
    assert any("任务 4" in c.text for t in document.tables for r in t.rows for c in r.cells)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
        assert "任务 4".encode() in text and plan.number.encode() in text
    else:
        require(False, "pdftotext (poppler-utils) is not installed")
    # XLSX export is the import template: change a date, import it back, identities kept.
    xlsx = client.get(f"/projects/workplan/{plan.pk}/xlsx/")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    keys_before = set(plan.tasks.values_list("key", flat=True))
    sheet.cell(row=3, column=8).value = date(2026, 2, 13)  # task 2 ends 2 days later
    sheet.append(["5", "", "验收", "验收报告", "member", "", date(2026, 3, 2), date(2026, 3, 3), 8, "yes", "4+1", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    response = client.post(f"/projects/workplan/{plan.pk}/import/", {"file": buffer})
    assert response.status_code == 302
    tasks = {t.name: t for t in plan.tasks.all()}
    assert len(tasks) == 5 and keys_before <= {t.key for t in tasks.values()}
    assert tasks["任务 2"].planned_end == date(2026, 2, 13)
    assert tasks["验收"].is_milestone and tasks["验收"].assignee == demo["member"]
    assert plan.dependencies.filter(successor=tasks["验收"], lag_days=1).exists()
    # An import naming someone off the team is refused as a whole.
    sheet.cell(row=2, column=5).value = "sales"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    response = client.post(f"/projects/workplan/{plan.pk}/import/", {"file": buffer}, follow=True)
    assert "not on the project team" in response.content.decode() or "不是项目团队" in response.content.decode()
    assert Task.objects.filter(work_plan=plan).count() == 5


def test_record_exports_render(demo, client_for):
    from projects.models import PlanReview

    project = opened_project(demo)
    plan = approved_plan(project, demo)
    review = PlanReview.objects.get(plan=plan)
    client = client_for("auditor")
    for url in (f"/projects/projectplan/{plan.pk}/export/?format=docx",
                f"/projects/planreview/{review.pk}/export/?format=docx",
                f"/projects/projectplan/{plan.pk}/export/?format=pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
    from docx import Document

    document = Document(io.BytesIO(client.get(f"/projects/planreview/{review.pk}/export/?format=docx").content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "补充风险" in cells and plan.number in "\n".join(p.text for p in document.paragraphs) + "".join(cells)


def test_annual_goals_roll_up_project_progress(demo, client_for):
    from projects import services
    from strategy.models import AnnualGoals, Goal, TaskAllocation

    tsd_staff, director = demo["tsd_staff"], demo["tsd_director"]
    with acting_as(tsd_staff):
        goals = records.create(AnnualGoals(title="2026 年 IT 服务业务目标", year=2026,
                                           owner_department=tsd_staff.department), tsd_staff)
        goal = records.create(Goal(annual_goals=goals, code="G1", name="金融客户运维满意度", measure="满意度调查",
                                   target="≥ 90 分", owner_department=tsd_staff.department), tsd_staff)
        records.create(TaskAllocation(goal=goal, task="完成杭州联合银行项目", department=demo["pm"].department,
                                      responsible=demo["svc_manager"]), tsd_staff)
        workflow.fire(goals, "submit", tsd_staff)
    with pytest.raises(Exception):  # noqa: B017 - the approver is the TSD director
        workflow.fire(goals, "approve", demo["svc_manager"])
    workflow.fire(goals, "approve", director, "同意")
    project = opened_project(demo)
    approved_plan(project, demo)
    baseline = approved_work_plan(project, demo)
    project.goals.add(goal)
    services.record_progress(project, baseline.tasks.order_by("position").first().key, demo["member"],
                             percent_complete=60, state="in_progress")
    page = client_for("gm").get(goals.get_absolute_url()).content.decode()
    assert project.code in page and "20.0 %" in page
    data = client_for("gm").get(f"/api/strategy/annual-goals/{goals.pk}/").json()
    assert data["goals"][0]["progress"] == 20.0
    # A new version keeps the project links on the copied goals.
    draft = records.new_version(goals, tsd_staff)
    assert Goal.objects.get(annual_goals=draft, code="G1").projects.get() == project


def test_demo_loader_opens_a_running_project_from_the_signed_contract(demo):
    from contracts.demo import CHAIN_TITLE
    from core.demo import DemoContext
    from projects import demo as projects_demo
    from projects.models import Project, ProjectPlan, WorkPlan

    project = Project.objects.get(contract__title=CHAIN_TITLE)  # load_demo opened it from the signed contract
    assert project.manager == demo["pm"] and project.team.count() == 2
    assert ProjectPlan.objects.get(project=project).status == "approved"
    # An earlier change made version 2 the baseline; a later change's revision (version 3) awaits approval.
    assert WorkPlan.objects.get(project=project, version=1).status == "superseded"
    baseline = project.baseline()
    assert baseline.version == 2 and baseline.tasks.count() == 7
    assert WorkPlan.objects.get(project=project, version=3).status == "in_review"
    count = Project.objects.count()
    projects_demo.load(DemoContext(users=demo))
    assert Project.objects.count() == count
