"""Closing a project (SP-4.5.2): the checklist from the project's state, refusal with the open items (page and
API), waivers and handovers (recorded, audited, in the record page and export), the project closed only by the
closure workflow, and a closed project taking no new records."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from closure.choices import ClosureStatus, DispositionKind
from closure.models import ClosureDisposition, ProjectClosure
from closure.services import closure as services
from core import records, workflow
from core.choices import AuditAction
from core.context import acting_as
from core.exporting import build_document
from core.models import AuditEntry
from projects import services as project_services
from projects.choices import ProjectStatus, TaskState
from projects.forms import open_projects
from projects.models import ChangeRequest, WorkPlan
from projects.tests.helpers import approved_plan, approved_work_plan, opened_project
from reporting.choices import ActionStatus
from reporting.models import ActionItem, MeetingMinutes
from reporting.services.meetings import set_action_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(demo):
    """A bank project with an approved plan and a 3-task baseline, and a meeting action about it."""
    project = opened_project(demo)
    approved_plan(project, demo)
    approved_work_plan(project, demo, tasks=3)
    minutes = MeetingMinutes.objects.filter(successor__isnull=True).order_by("-pk").first()
    with acting_as(demo["tsd_staff"]):
        records.create(ActionItem(minutes=minutes, description="整理银行项目的交接文档", owner=demo["pm"],
                                  due_date=timezone.localdate() + timedelta(days=5), project=project),
                       demo["tsd_staff"])
    return project


@pytest.fixture
def closure(project, demo):
    pm = demo["pm"]
    with acting_as(pm):
        closure = records.create(ProjectClosure(project=project, title="银行项目关闭", owner_department=pm.department,
                                                notes="交付完成，申请关闭。"), pm)
        workflow.fire(closure, "request", pm)
    closure.refresh_from_db()
    return closure


def keys(rows):
    return {row.item.key for row in rows}


def action_of(project):
    return ActionItem.objects.get(project=project)


def settle_own_work(project, demo, cancel_last=True):
    """Tasks done (the last cancelled with its reason), the meeting action closed."""
    pm = demo["pm"]
    tasks = list(project.baseline().tasks.order_by("position"))
    with acting_as(pm):
        for task in tasks[:-1]:
            project_services.record_progress(project, task.key, pm, state=TaskState.DONE, percent_complete=100)
        last = tasks[-1]
        if cancel_last:
            project_services.record_progress(project, last.key, pm, state=TaskState.CANCELLED,
                                             note="客户取消该项工作（见会议纪要）")
        else:
            project_services.record_progress(project, last.key, pm, state=TaskState.DONE)
        set_action_status(action_of(project), ActionStatus.DONE, pm)


# ---- the checklist, computed from the project's state ------------------------------------------------

def test_the_checklist_lists_open_tasks_action_and_report_with_links(project):
    rows = services.checklist(project)
    open_rows = services.open_items(project)
    tasks = [row for row in open_rows if row.item.key.startswith("task:")]
    assert len(tasks) == 3
    assert all(row.item.url == project.baseline().get_absolute_url() + "#tasks" for row in tasks)
    action = next(row for row in open_rows if row.item.key.startswith("action:"))
    assert action.item.url == f"/reporting/actionitem/{action_of(project).pk}/"
    assert "report:profile" in keys(open_rows)  # the bank's report profile is not agreed yet
    archived = next(row for row in rows if row.item.key == "records:archived")
    assert archived.item.done  # plan, plan review, work plan: all approved


def test_a_draft_change_request_and_a_record_in_review_are_open(project, demo):
    pm = demo["pm"]
    with acting_as(pm):
        change = records.create(ChangeRequest(project=project, title="增加巡检", owner_department=pm.department,
                                              baseline=project.baseline(), reason="客户要求"), pm)
    open_keys = keys(services.open_items(project))
    assert f"change:{change.number}" in open_keys
    assert not any(key.startswith("record:change_request") for key in open_keys)  # listed once, as a change


def test_a_cancelled_task_needs_its_reason(project, demo):
    task = project.baseline().tasks.first()
    with pytest.raises(ValidationError) as refused:
        project_services.record_progress(project, task.key, demo["pm"], state=TaskState.CANCELLED)
    assert "reason" in str(refused.value)
    project_services.record_progress(project, task.key, demo["pm"], state=TaskState.CANCELLED, note="客户取消")
    assert f"task:{task.key}" not in keys(services.open_items(project))


# ---- closing: refused while open, with the list; done when settled -------------------------------------

def test_close_is_refused_over_the_api_with_the_open_items_and_the_fix(closure, project, client_for):
    response = client_for("svc_manager").post(f"/api/closure/project-closures/{closure.pk}/transition/",
                                              {"transition": "close"}, content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    text = str(body["detail"])
    assert "任务 1" in text and "任务 3" in text and "整理银行项目的交接文档" in text
    assert body["fixes"][0]["url"] == closure.get_absolute_url() + "#checklist"
    closure.refresh_from_db()
    project.refresh_from_db()
    assert closure.status == ClosureStatus.IN_REVIEW and project.status == ProjectStatus.OPEN
    checklist = client_for("svc_manager").get(f"/api/closure/project-closures/{closure.pk}/checklist/").json()
    open_rows = [row for row in checklist if row["open"]]
    assert {row["key"] for row in open_rows} == keys(services.open_items(project))
    assert all(row["url"] for row in open_rows)


def test_close_is_refused_on_the_page_and_the_page_lists_each_open_item_with_its_link(closure, project, client_for):
    client = client_for("svc_manager")
    response = client.post(f"/closure/projectclosure/{closure.pk}/transition/", {"transition": "close"}, follow=True)
    page = response.content.decode()
    assert "items of the closure checklist are open" in page
    closure.refresh_from_db()
    assert closure.status == ClosureStatus.IN_REVIEW
    page = client.get(closure.get_absolute_url()).content.decode()
    action = action_of(project)
    assert f'href="/reporting/actionitem/{action.pk}/" class="checklist-link"' in page
    assert f'href="{project.baseline().get_absolute_url()}#tasks" class="checklist-link"' in page
    assert 'id="dispose-form"' in page  # the Service Department manager may waive or hand over


def test_waiver_and_handover_recorded_audited_then_the_project_closes(closure, project, demo, client_for):
    settle_own_work(project, demo)
    sm = demo["svc_manager"]
    # The action is reopened, then handed over to the service desk's owner instead of being finished here.
    set_action_status(action_of(project), ActionStatus.OPEN, demo["pm"])
    action_key = f"action:{action_of(project).pk}"
    client = client_for("svc_manager")
    refused = client.post(f"/api/closure/project-closures/{closure.pk}/dispose/",
                          {"item_key": action_key, "kind": "handed_over", "reason": "转运维组跟进"},
                          content_type="application/json")
    assert refused.status_code == 400  # handed over without a new owner
    response = client.post(f"/api/closure/project-closures/{closure.pk}/dispose/",
                           {"item_key": action_key, "kind": "handed_over", "reason": "转运维组跟进",
                            "owner": demo["svc_staff"].pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    # The report profile was never agreed: waived on the page, with the reason.
    page = client.post(f"/closure/projectclosure/{closure.pk}/dispose/",
                       {"item_key": "report:profile", "kind": "waived", "reason": "客户书面确认不需要月报"})
    assert page.status_code == 302
    dispositions = ClosureDisposition.objects.filter(closure=closure)
    assert {(d.kind, d.decided_by_id) for d in dispositions} == {(DispositionKind.HANDED_OVER, sm.pk),
                                                                 (DispositionKind.WAIVED, sm.pk)}
    for disposition in dispositions:
        assert AuditEntry.objects.filter(action=AuditAction.CREATE, content_type__model="closuredisposition",
                                         object_id=str(disposition.pk)).exists()
    assert services.open_items(project) == []

    with acting_as(sm):
        workflow.fire(closure, "close", sm, "同意关闭")
    closure.refresh_from_db()
    project.refresh_from_db()
    assert closure.status == ClosureStatus.CLOSED and closure.closed_at is not None
    assert project.status == ProjectStatus.CLOSED
    assert AuditEntry.objects.filter(content_type__model="project", object_id=str(project.pk),
                                     action=AuditAction.UPDATE).exists()
    frozen = {row["key"]: row for row in closure.checklist_snapshot}
    assert frozen["report:profile"]["state"] == "waived"
    assert frozen["report:profile"]["reason"] == "客户书面确认不需要月报"
    assert frozen[action_key]["state"] == "handed_over" and frozen[action_key]["owner"] == str(demo["svc_staff"])

    page = client.get(closure.get_absolute_url()).content.decode()
    assert "客户书面确认不需要月报" in page and "转运维组跟进" in page and str(demo["svc_staff"]) in page
    text = "\n".join(str(p) for section in build_document(closure, language="en").sections
                     for p in [section.heading, *section.paragraphs, *[c for t in section.tables for r in t.rows
                                                                        for c in r]])
    assert "客户书面确认不需要月报" in text and "Waived" in text and "Handed over" in text
    assert "The checklist as it stood when the project closed." in text

    # Frozen: a later change on the project no longer alters the closed record's checklist.
    set_action_status(action_of(project), ActionStatus.OPEN, demo["pm"])
    closure.refresh_from_db()
    assert {row["key"]: row for row in closure.checklist_snapshot}[action_key]["state"] == "handed_over"


def test_only_the_service_department_manager_disposes(closure, project, demo, client_for):
    response = client_for("pm").post(f"/api/closure/project-closures/{closure.pk}/dispose/",
                                     {"item_key": "report:profile", "kind": "waived", "reason": "不需要"},
                                     content_type="application/json")
    assert response.status_code == 403
    assert not ClosureDisposition.objects.exists()
    assert 'id="dispose-form"' not in client_for("pm").get(closure.get_absolute_url()).content.decode()


def test_a_step_of_the_procedure_is_never_waived(closure, project, demo, monkeypatch):
    from closure import checklist

    def step(project):
        yield checklist.Item("step:summary", "Summary report approved", "/", may_dispose=False)

    monkeypatch.setattr(checklist, "_sources", [*checklist._sources, step])
    with pytest.raises(ValidationError) as refused:
        services.dispose(closure, "step:summary", DispositionKind.WAIVED, "不需要", demo["svc_manager"])
    assert "cannot be waived" in str(refused.value)


def test_the_author_cannot_close_and_the_pm_may_not_close(closure, project, demo, client_for):
    settle_own_work(project, demo)
    services.dispose(closure, "report:profile", DispositionKind.WAIVED, "无需月报", demo["svc_manager"])
    response = client_for("pm").post(f"/api/closure/project-closures/{closure.pk}/transition/",
                                     {"transition": "close"}, content_type="application/json")
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


# ---- the project's status: only through the closure ------------------------------------------------------

def test_the_project_status_is_not_written_through_the_api(project, client_for):
    response = client_for("svc_manager").patch(f"/api/projects/projects/{project.pk}/", {"status": "closed"},
                                               content_type="application/json")
    assert response.status_code in (200, 400)
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_a_closed_project_takes_no_new_work_plan_or_change_request(closure, project, demo, client_for):
    settle_own_work(project, demo, cancel_last=False)
    services.dispose(closure, "report:profile", DispositionKind.WAIVED, "无需月报", demo["svc_manager"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(closure, "close", demo["svc_manager"])
    project.refresh_from_db()
    pm = demo["pm"]
    with pytest.raises(ValidationError):
        records.create(WorkPlan(project=project, title="新计划", owner_department=pm.department), pm)
    with pytest.raises(ValidationError):
        records.create(ChangeRequest(project=project, title="新变更", owner_department=pm.department,
                                     baseline=project.baseline(), reason="x"), pm)
    with pytest.raises(ValidationError):
        records.new_version(project.baseline(), pm)
    response = client_for("pm").post("/api/projects/work-plans/", {"project": project.pk, "title": "新计划"},
                                      content_type="application/json")
    assert response.status_code == 400, response.content
    assert WorkPlan.objects.filter(project=project).count() == 1
    assert not open_projects().filter(pk=project.pk).exists()  # nor is it offered on any project record's form


def test_one_closure_per_project(closure, project, demo):
    pm = demo["pm"]
    with pytest.raises(ValidationError):
        records.create(ProjectClosure(project=project, title="第二个", owner_department=pm.department), pm)


# ---- where it shows: the project's page, the work queue ---------------------------------------------------

def test_the_project_page_shows_the_checklist_and_the_close_button(closure, project, client_for):
    page = client_for("pm").get(project.get_absolute_url()).content.decode()
    assert 'id="project-closure"' in page and "任务 1" in page
    assert f'id="next-close-project" href="{closure.get_absolute_url()}"' in page


def test_work_queue_pm_requests_closure_after_the_end_and_sm_sees_the_open_count(project, demo):
    from core.worklist import items_for

    pm, sm = demo["pm"], demo["svc_manager"]
    type(project).objects.filter(pk=project.pk).update(end_date=timezone.localdate() - timedelta(days=1),
                                                       start_date=timezone.localdate() - timedelta(days=90))
    item = next(i for i in items_for(pm) if i.key == f"closure:project={project.pk}")
    assert item.url == f"/closure/projectclosure/add/?project={project.pk}"
    with acting_as(pm):
        closure = records.create(ProjectClosure(project=project, title="关闭", owner_department=pm.department), pm)
        workflow.fire(closure, "request", pm)
    assert not any(i.key == f"closure:project={project.pk}" for i in items_for(pm))
    waiting = next(i for i in items_for(sm) if i.key.startswith(f"approve:project_closure:{closure.pk}:"))
    assert f"({len(services.open_items(project))} checklist items open" in waiting.title
