"""The whole stage through the API: signed contract → project → PM and team → initiation application approved →
project plan reviewed and approved → work plan built (a move pushes a dependent task) and approved → change
request → revised plan approved → the baseline comparison shows the differences."""

import io

import pytest

from .helpers import signed_contract

pytestmark = pytest.mark.django_db


def ok(response, status=(200, 201)):
    assert response.status_code in ((status,) if isinstance(status, int) else status), response.content.decode()
    return response.json() if response.content and response["Content-Type"].startswith("application/json") else None


def post(client, url, data=None, status=(200, 201)):
    return ok(client.post(url, data or {}, content_type="application/json"), status)


def transition(client, resource, pk, name, comment="", status=200):
    return post(client, f"/api/projects/{resource}/{pk}/transition/", {"transition": name, "comment": comment}, status)


def test_whole_stage_through_the_api(demo, client_for):
    svc_staff, svc_manager, pm, member = (client_for(u) for u in ("svc_staff", "svc_manager", "pm", "member"))
    director = client_for("tsd_director")
    contract = signed_contract()

    # Project opened from the signed contract; the PM appointed; the team formed.
    project = post(svc_staff, "/api/projects/projects/", {"contract": contract.pk, "category": "operations"})
    assert project["kind"] == "new" and project["code"].startswith("PRJ-")
    pid = project["id"]
    post(pm, f"/api/projects/projects/{pid}/appoint/", {"manager": demo["pm"].pk}, status=403)
    assert post(svc_manager, f"/api/projects/projects/{pid}/appoint/", {"manager": demo["pm"].pk})["manager"] == \
        demo["pm"].pk
    member_row = post(pm, "/api/projects/team/", {"project": pid, "user": demo["member"].pk, "role": "engineer",
                                                  "allocation": 80, "start_date": "2026-01-01",
                                                  "end_date": "2027-12-31"})
    assert any("SLA" in w for w in member_row["warnings"]), "missing SLA skills are warned about, not refused"
    team = ok(pm.get(f"/api/projects/projects/{pid}/team/"))
    assert {m["user"] for m in team["team"]} == {demo["pm"].pk, demo["member"].pk}

    # Initiation application: department manager, then the Technical Service Division.
    application = post(pm, "/api/projects/initiation-applications/", {
        "project": pid, "title": "立项申请", "contract": contract.pk, "category": "operations",
        "project_manager": demo["pm"].pk, "planned_start": "2026-01-01", "planned_end": "2027-12-31",
        "budget": "480000.00", "necessity": "客户核心系统需要专业运维", "feasibility": "团队具备 Oracle 能力"})
    assert application["customer"] == contract.customer_id
    transition(pm, "initiation-applications", application["id"], "submit")
    transition(director, "initiation-applications", application["id"], "approve", status=409)
    transition(svc_manager, "initiation-applications", application["id"], "approve_department", "同意")
    done = transition(director, "initiation-applications", application["id"], "approve", "同意")
    assert done["status"] == "approved"
    initiation_plan = post(pm, "/api/projects/initiation-plans/", {"project": pid, "title": "立项计划",
                                                                    "objectives": "稳定运行", "scope": "全部应用"})
    transition(pm, "initiation-plans", initiation_plan["id"], "submit")
    transition(svc_manager, "initiation-plans", initiation_plan["id"], "approve", "同意")

    # Project plan, reviewed by the PM's review, approved by the Technical Service Division.
    tier_target = contract.service_tier.priority_targets.get(priority="P1")
    plan = post(pm, "/api/projects/project-plans/", {
        "project": pid, "title": "项目策划书", "measures": "双人值守", "resources": "3 名工程师",
        "acceptance_criteria": "SLA 连续 3 个月达标", "report_period": "monthly",
        "report_sections": ["summary", "tickets", "sla"], "report_recipients": ["信息科 王主任"],
        "report_agreed_with": "信息科 王主任"})
    post(pm, "/api/projects/quality-objectives/", {"plan": plan["id"], "objective": "P1 事件按时解决",
                                                   "metric": "resolution", "target": "≥ 95%", "measurement": "月报统计",
                                                   "owner": demo["pm"].pk, "sla_target": tier_target.pk})
    post(pm, "/api/projects/plan-risks/", {"plan": plan["id"], "description": "关键人员流失", "likelihood": "low",
                                           "impact": "high", "response": "AB 角", "owner": demo["pm"].pk})
    post(pm, "/api/projects/plan-milestones/", {"plan": plan["id"], "name": "上线", "due_date": "2026-03-31"})
    review = post(pm, "/api/projects/plan-reviews/", {
        "project": pid, "plan": plan["id"], "title": "策划书评审", "held_on": "2026-01-15",
        "reviewers": [demo["tsd_director"].pk, demo["svc_manager"].pk], "verdict": "passed"})
    finding = post(pm, "/api/projects/review-findings/", {"review": review["id"], "description": "补充备份策略"})
    transition(pm, "plan-reviews", review["id"], "conclude")
    transition(pm, "project-plans", plan["id"], "submit")
    refused = transition(director, "project-plans", plan["id"], "approve", status=400)
    assert refused is not None
    post(pm, f"/api/projects/review-findings/{finding['id']}/resolve/", {"state": "closed",
                                                                         "resolution": "已补充"})
    transition(director, "project-plans", plan["id"], "approve", "同意")

    # Work plan: tasks, a dependency, a move that pushes the dependent task; approved by the manager.
    work_plan = post(pm, "/api/projects/work-plans/", {"project": pid, "title": "项目工作计划表"})
    wid = work_plan["id"]
    phase = post(pm, "/api/projects/tasks/", {"work_plan": wid, "name": "实施阶段", "planned_start": "2026-02-02",
                                              "planned_end": "2026-02-02"})
    survey = post(member, "/api/projects/tasks/", {"work_plan": wid, "parent": phase["id"], "name": "现状调研",
                                                   "assignee": demo["member"].pk, "planned_start": "2026-02-02",
                                                   "planned_end": "2026-02-06", "effort_hours": "40"})
    design = post(member, "/api/projects/tasks/", {"work_plan": wid, "parent": phase["id"], "name": "方案设计",
                                                   "assignee": demo["member"].pk, "planned_start": "2026-02-09",
                                                   "planned_end": "2026-02-13", "effort_hours": "40"})
    golive = post(pm, "/api/projects/tasks/", {"work_plan": wid, "name": "上线", "is_milestone": True,
                                               "planned_start": "2026-02-20", "planned_end": "2026-02-20"})
    post(pm, "/api/projects/dependencies/", {"work_plan": wid, "predecessor": survey["id"],
                                             "successor": design["id"], "lag_days": 2})
    post(pm, "/api/projects/dependencies/", {"work_plan": wid, "predecessor": design["id"],
                                             "successor": golive["id"]})
    post(pm, "/api/projects/dependencies/", {"work_plan": wid, "predecessor": golive["id"],
                                             "successor": survey["id"]}, status=400)  # a loop
    moved = post(pm, f"/api/projects/work-plans/{wid}/reschedule/", {"task": survey["id"], "start": "2026-02-04"})
    by_id = {m["id"]: m for m in moved["moved"]}
    assert by_id[survey["id"]]["start"] == "2026-02-04"
    assert by_id[design["id"]]["start"] == "2026-02-11", "the day after 02-08 plus 2 days of lag"
    detail = ok(pm.get(f"/api/projects/work-plans/{wid}/"))
    tasks = {t["id"]: t for t in detail["tasks"]}
    assert tasks[phase["id"]]["planned_start"] == "2026-02-04" and tasks[phase["id"]]["wbs"] == "1"
    assert tasks[design["id"]]["wbs"] == "1.2" and len(detail["dependencies"]) == 2
    transition(pm, "work-plans", wid, "submit")
    transition(director, "work-plans", wid, "approve", status=403)
    transition(svc_manager, "work-plans", wid, "approve", "同意")
    post(member, "/api/projects/task-progress/", {"project": pid, "task_key": tasks[survey["id"]]["key"],
                                                  "percent_complete": 40, "state": "in_progress",
                                                  "actual_start": "2026-02-04"})
    assert ok(pm.get(f"/api/projects/projects/{pid}/"))["progress"] > 0

    # Change request (verbal): staff revise, the PM checks, the manager approves: the new baseline.
    change = post(pm, "/api/projects/change-requests/", {
        "project": pid, "title": "上线推迟一周", "baseline": wid, "kind": "both", "reason": "客户机房搬迁",
        "form": "verbal", "verbal_from": "客户 王主任", "verbal_at": "2026-02-10T10:00:00+08:00"})
    transition(pm, "change-requests", change["id"], "request")
    revision = post(svc_staff, f"/api/projects/change-requests/{change['id']}/revise/")
    rid = revision["id"]
    assert revision["version"] == 2 and revision["status"] == "draft"
    revised = {t["key"]: t for t in ok(pm.get(f"/api/projects/work-plans/{rid}/"))["tasks"]}
    golive_rev = revised[tasks[golive["id"]]["key"]]
    design_rev = revised[tasks[design["id"]]["key"]]
    post(svc_staff, f"/api/projects/work-plans/{rid}/reschedule/", {"task": golive_rev["id"], "start": "2026-02-27"})
    ok(pm.patch(f"/api/projects/tasks/{design_rev['id']}/", {"assignee": demo["pm"].pk, "effort_hours": "56"},
                content_type="application/json"))
    post(svc_staff, "/api/projects/tasks/", {"work_plan": rid, "name": "机房迁移配合", "planned_start": "2026-02-23",
                                             "planned_end": "2026-02-25"})
    transition(pm, "change-requests", change["id"], "check")
    assert ok(pm.get(f"/api/projects/work-plans/{rid}/"))["status"] == "in_review"
    transition(svc_manager, "change-requests", change["id"], "approve", "同意变更")
    assert ok(pm.get(f"/api/projects/work-plans/{rid}/"))["status"] == "approved"
    assert ok(pm.get(f"/api/projects/work-plans/{wid}/"))["status"] == "superseded"
    comparison = ok(pm.get(f"/api/projects/change-requests/{change['id']}/comparison/"))
    assert comparison["summary"]["added"] == 1 and comparison["summary"]["removed"] == 0
    changed = {c["name"]: c["fields"] for c in comparison["changed"]}
    assert changed["上线"]["start"] == ["2026-02-20", "2026-02-27"]
    assert changed["方案设计"]["assignee"][1] == str(demo["pm"]) and changed["方案设计"]["effort"] == ["40.0", "56.0"]

    # Exports: the work plan as XLSX, DOCX and PDF; the change request with its comparison.
    xlsx = pm.get(f"/api/projects/work-plans/{rid}/xlsx/")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)][:2] == ["实施阶段", "现状调研"]
    docx = pm.get(f"/projects/changerequest/{change['id']}/export/?format=docx")
    assert docx.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    cells = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert "机房迁移配合" in cells and "2026-02-27" in cells, text


def test_a_project_is_not_closed_by_writing_its_status(demo, client_for):
    """The status is read-only in the API: a PATCH cannot close a project past every gate."""
    from projects.models import Project

    project = Project.objects.filter(status="open").first()
    response = client_for("svc_manager").patch(f"/api/projects/projects/{project.pk}/", {"status": "closed"},
                                                content_type="application/json")
    assert response.status_code in (200, 400), response.content
    project.refresh_from_db()
    assert project.status == "open"
    if response.status_code == 200:
        assert response.json()["status"] == "open"


def test_project_plan_rows_are_replaced_from_a_list_in_the_plan(demo, client_for):
    """Rows nested in the record: a listed id keeps its row, the others are created, the unlisted deleted."""
    from core import records
    from core.context import acting_as
    from projects.models import ProjectPlan

    approved = ProjectPlan.objects.filter(status="approved").first()
    with acting_as(demo["pm"], request_id="test"):
        plan = records.new_version(approved, demo["pm"])  # its rows are copied into the draft
    assert plan.milestones.count() == approved.milestones.count() == 1
    pm = client_for("pm")
    data = ok(pm.get(f"/api/projects/project-plans/{plan.pk}/"))
    kept = data["milestones"]
    rows = [*kept, {"name": "验收", "due_date": "2026-06-30"}]
    response = ok(pm.patch(f"/api/projects/project-plans/{plan.pk}/",
                           {"milestones": rows, "lock_version": data["lock_version"]},
                           content_type="application/json"))
    assert [m["name"] for m in response["milestones"]][-1] == "验收"
    assert plan.milestones.count() == len(rows) == 2
    assert plan.milestones.filter(pk=kept[0]["id"]).exists()
    assert approved.milestones.count() == 1  # the approved version is untouched
