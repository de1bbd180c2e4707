"""Work-plan tasks are added and edited on the plan's page (htmx), one page load per saved task (issue 11)."""

from projects.models import Task

from . import helpers


def test_a_task_is_added_and_edited_inline_on_the_plan_page(demo, client_for):
    project = helpers.opened_project(demo)
    helpers.approved_plan(project, demo)
    plan = helpers.work_plan(project, demo, tasks=1)
    pm = client_for("pm")
    page = pm.get(plan.get_absolute_url()).content.decode()
    add_url = f"/projects/workplan/{plan.pk}/task/add/"
    assert 'id="task-editor"' in page and f'hx-get="{add_url}"' in page

    # Opening the form is a fragment for the editor above the table, not a page.
    fragment = pm.get(add_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="task-form"' in fragment and "<html" not in fragment and f'hx-post="{add_url}"' in fragment

    # A mistake comes back in the same fragment, summarised and at the field.
    bad = pm.post(add_url, {"name": "", "planned_start": "2026-03-01", "planned_end": "2026-02-01"},
                  headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in bad and 'id="form-errors"' in bad and 'id="name-error"' in bad

    # Saved: the browser reloads the plan's tasks once.
    saved = pm.post(add_url, {"name": "巡检脚本", "assignee": demo["member"].pk, "planned_start": "2026-03-02",
                              "planned_end": "2026-03-06", "effort_hours": "8"}, headers={"HX-Request": "true"})
    assert saved.status_code == 204 and saved["HX-Refresh"] == "true"
    task = Task.objects.get(work_plan=plan, name="巡检脚本")
    edit_url = f"/projects/workplan/{plan.pk}/task/{task.pk}/"
    assert f'hx-get="{edit_url}"' in pm.get(plan.get_absolute_url()).content.decode()
    changed = pm.post(edit_url, {"name": "巡检脚本（含告警）", "assignee": demo["member"].pk,
                                 "planned_start": "2026-03-02", "planned_end": "2026-03-06", "effort_hours": "8"},
                      headers={"HX-Request": "true"})
    assert changed.status_code == 204
    task.refresh_from_db()
    assert task.name == "巡检脚本（含告警）"


def test_row_tables_offer_an_add_row_button_with_a_blank_row(demo, client_for):
    project = helpers.opened_project(demo)
    page = client_for("pm").get(f"/projects/projectplan/add/?project={project.pk}").content.decode()
    for prefix in ("objectives", "milestones", "risks"):
        assert f'data-add-row="{prefix}"' in page
        assert f'<template id="formset-{prefix}-empty">' in page and f'name="{prefix}-__prefix__-' in page
    # Owners offered are delivery staff, not the general manager or the auditor.
    risk_owner = page[page.index('name="risks-0-owner"'):]
    risk_owner = risk_owner[:risk_owner.index("</select>")]
    assert f'value="{demo["pm"].pk}"' in risk_owner
    assert f'value="{demo["gm"].pk}"' not in risk_owner and f'value="{demo["auditor"].pk}"' not in risk_owner
