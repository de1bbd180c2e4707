"""Issue 11's Gantt decisions: the critical path, successors cascading on every date change (page form,
API, a new dependency), summary tasks derived from their sub-tasks and shown as derived."""

import json
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import records
from core.context import acting_as
from projects.scheduling import Link, Span, critical_path, earliest_start, topological_order

from .helpers import opened_project, work_plan

D = date(2026, 3, 1)


def span(start_offset, days):
    start = D + timedelta(days=start_offset)
    return Span(start, start + timedelta(days=days))


# ---- critical path (pure) ------------------------------------------------------------------------

def test_the_longest_chain_is_critical_and_the_short_branch_has_slack():
    # a → b → d is 3 + 5 + 2 days; a → c → d has c of one day, so c has slack and is not critical.
    schedule = {"a": span(0, 2), "b": span(3, 4), "c": span(3, 0), "d": span(8, 1)}
    links = [Link("a", "b"), Link("a", "c"), Link("b", "d"), Link("c", "d")]
    tasks, pairs = critical_path(schedule, links)
    assert tasks == {"a", "b", "d"}
    assert pairs == {("a", "b"), ("b", "d")}


def test_lag_counts_on_the_path_and_a_loose_task_ending_last_is_critical_alone():
    schedule = {"a": span(0, 1), "b": span(5, 1), "x": span(0, 6), "y": span(0, 0)}
    tasks, pairs = critical_path(schedule, [Link("a", "b", lag=3)])
    # a ends on day 1; b may start on day 1 + 1 + 3 = 5: no gap, so a drives b; x ends on day 6 as b does.
    assert tasks == {"a", "b", "x"} and pairs == {("a", "b")}
    assert critical_path({}, []) == (set(), set())


@st.composite
def asap_plans(draw):
    n = draw(st.integers(1, 15))
    links = {(a, b): Link(a, b, draw(st.integers(-1, 3)))
             for a, b in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
             if a < b}
    schedule = {i: span(draw(st.integers(0, 20)), draw(st.integers(0, 6))) for i in range(n)}
    for node in topological_order(schedule, links.values()):  # as early as the links allow
        bounds = [earliest_start(schedule[lk.predecessor].end, lk.lag) for lk in links.values() if lk.successor == node]
        schedule[node] = schedule[node].shifted_to(max([schedule[node].start, *bounds]))
    return schedule, list(links.values())


@settings(max_examples=80, deadline=None)
@given(asap_plans())
def test_a_critical_task_either_ends_the_plan_or_drives_a_critical_successor(plan):
    schedule, links = plan
    tasks, pairs = critical_path(schedule, links)
    finish = max(s.end for s in schedule.values())
    assert {k for k, s in schedule.items() if s.end == finish} <= tasks
    for key in tasks:
        assert schedule[key].end == finish or any(p == key for p, _ in pairs)
    for predecessor, successor in pairs:
        assert schedule[successor].start == earliest_start(schedule[predecessor].end,
                                                           next(lk.lag for lk in links if
                                                                (lk.predecessor, lk.successor) == (predecessor,
                                                                                                   successor)))


# ---- cascade, derivation, the page's chart data (Django) -------------------------------------------

def chart_data(page):
    """The JSON the page hands to gantt.js (json_script #gantt-data)."""
    return json.loads(re.search(r'<script id="gantt-data" type="application/json">(.*?)</script>', page, re.S)[1])


def tasks_of(plan):
    return {t.name: t for t in plan.tasks.all()}


@pytest.mark.django_db
def test_changing_dates_in_the_task_form_moves_the_successors(demo, client_for):
    plan = work_plan(opened_project(demo), demo)  # 任务 1 → 任务 2 → 任务 3, five days each, back to back
    first = tasks_of(plan)["任务 1"]
    response = client_for("pm").post(f"/projects/workplan/{plan.pk}/task/{first.pk}/", {
        "name": first.name, "assignee": demo["member"].pk, "planned_start": "2026-02-02",
        "planned_end": "2026-02-10", "effort_hours": "16"}, follow=True)
    assert response.status_code == 200
    tasks = tasks_of(plan)
    assert tasks["任务 1"].planned_end == date(2026, 2, 10)
    assert (tasks["任务 2"].planned_start, tasks["任务 2"].planned_end) == (date(2026, 2, 11), date(2026, 2, 15))
    assert tasks["任务 3"].planned_start == date(2026, 2, 16), "the successor's successor follows too"
    assert "任务 2" in response.content.decode(), "the page says which tasks moved"


@pytest.mark.django_db
def test_changing_dates_through_the_api_moves_the_successors(demo, client_for):
    plan = work_plan(opened_project(demo), demo)
    first = tasks_of(plan)["任务 1"]
    response = client_for("pm").patch(f"/api/projects/tasks/{first.pk}/", {"planned_start": "2026-02-05",
                                                                           "planned_end": "2026-02-09"},
                                      content_type="application/json")
    assert response.status_code == 200, response.content
    tasks = tasks_of(plan)
    assert tasks["任务 2"].planned_start == date(2026, 2, 10) and tasks["任务 3"].planned_start == date(2026, 2, 15)


@pytest.mark.django_db
def test_a_new_dependency_the_dates_break_moves_the_successor(demo, client_for):
    plan = work_plan(opened_project(demo), demo, linked=False)
    tasks = tasks_of(plan)
    client = client_for("pm")
    # 任务 1 (02-02…02-06) must now follow 任务 3 (02-12…02-16): it moves to 02-17, keeping its five days.
    client.post(f"/projects/workplan/{plan.pk}/dependency/", {"predecessor": tasks["任务 3"].pk,
                                                               "successor": tasks["任务 1"].pk, "lag_days": 0})
    moved = tasks_of(plan)["任务 1"]
    assert moved.planned_start == date(2026, 2, 17) and moved.planned_end == date(2026, 2, 21)


@pytest.mark.django_db
def test_a_new_dependency_through_the_api_moves_the_successor(demo, client_for):
    plan = work_plan(opened_project(demo), demo, linked=False)
    tasks = tasks_of(plan)
    response = client_for("pm").post("/api/projects/dependencies/", {
        "work_plan": plan.pk, "predecessor": tasks["任务 2"].pk, "successor": tasks["任务 1"].pk, "lag_days": 1},
        content_type="application/json")
    assert response.status_code == 201, response.content
    moved = tasks_of(plan)["任务 1"]
    # 任务 2 ends on 02-11; with one day of lag 任务 1 starts on 02-13 at the earliest, keeping its five days.
    assert (moved.planned_start, moved.planned_end) == (date(2026, 2, 13), date(2026, 2, 17))


@pytest.mark.django_db
def test_a_summary_task_is_derived_from_its_sub_tasks_and_its_dates_are_read_only(demo, client_for):
    from projects import services
    from projects.models import Task

    plan = work_plan(opened_project(demo), demo, tasks=2)
    pm = demo["pm"]
    with acting_as(pm):
        phase = services.save_task(Task(work_plan=plan, name="实施阶段", planned_start=date(2026, 1, 1),
                                        planned_end=date(2026, 1, 1)), pm)
        for task in plan.tasks.exclude(pk=phase.pk):
            before = __import__("core.audit", fromlist=["snapshot"]).snapshot(task)
            task.parent = phase
            records.update(task, pm, before)
        services.roll_up_parents(plan, pm)
    phase.refresh_from_db()
    assert (phase.planned_start, phase.planned_end) == (date(2026, 2, 2), date(2026, 2, 11))
    client = client_for("pm")
    form = client.get(f"/projects/workplan/{plan.pk}/task/{phase.pk}/").content.decode()
    assert 'name="planned_start"' in form and "disabled" in form.split('name="planned_start"')[1].split(">")[0]
    client.post(f"/projects/workplan/{plan.pk}/task/{phase.pk}/", {
        "name": "实施阶段", "planned_start": "2025-01-01", "planned_end": "2027-01-01", "effort_hours": "0"})
    phase.refresh_from_db()
    assert (phase.planned_start, phase.planned_end) == (date(2026, 2, 2), date(2026, 2, 11)), "derived, not typed"
    page = client.get(f"/projects/workplan/{plan.pk}/").content.decode()
    data = chart_data(page)
    chart = {t["name"]: t for t in data["tasks"]}
    assert chart["实施阶段"]["summary"] and not chart["任务 1"]["summary"]
    assert f'data-task="{phase.pk}"' in page and "task-derived" in page.split(f'data-task="{phase.pk}"')[1][:1500]


@pytest.mark.django_db
def test_the_page_marks_the_critical_path_and_lists_each_tasks_dependencies(demo, client_for):
    plan = work_plan(opened_project(demo), demo, tasks=3)
    page = client_for("pm").get(f"/projects/workplan/{plan.pk}/").content.decode()
    data = chart_data(page)
    assert all(t["critical"] for t in data["tasks"]), "a single chain is critical from end to end"
    assert all(link["critical"] for link in data["links"]) and len(data["links"]) == 2
    assert data["today"] and set(data["labels"]["zoom"]) == {"day", "week", "month"}
    row = page.split(f'data-task="{tasks_of(plan)["任务 2"].pk}"')[1].split("</tr>")[0]
    assert "1 任务 1" in row, "the depends-on column names the predecessor"
