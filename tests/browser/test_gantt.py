"""Issue 11 in a real browser: the work plan's Gantt chart shows a today line, a label at every bar, the
dependencies as arrows with the critical path marked; it zooms by day, week and month; dragging a bar moves
the task and its successors. Screenshots illustrate docs/guide/03-planning.md."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import login, shot

pytestmark = pytest.mark.browser


def draft_plan_around_today(demo):
    """A draft work plan of three chained tasks (任务 1 → 任务 2 → 任务 3), the first starting three days ago."""
    from core.context import acting_as
    from projects import services
    from projects.tests.helpers import opened_project, work_plan

    plan = work_plan(opened_project(demo), demo, tasks=3)
    first = plan.tasks.get(name="任务 1")
    with acting_as(demo["pm"]):
        services.reschedule(plan, first, timezone.localdate() - timedelta(days=3), demo["pm"])
    return plan


def test_gantt_today_labels_links_zoom_and_drag(page, live_server, demo):
    plan = draft_plan_around_today(demo)
    tasks = {t.name: t for t in plan.tasks.all()}
    login(page, live_server, "pm")
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.wait_for_selector("#gantt-svg")

    # Today, in the company's zone, is a line on the chart.
    assert page.locator("#gantt-today").get_attribute("data-date") == timezone.localdate().isoformat()
    # Every bar carries its task's name; the two links are drawn, on the critical path (one chain).
    for task in tasks.values():
        assert page.locator(f'.gantt-bar-label[data-for="{task.pk}"]').text_content().startswith(task.name)
    assert page.locator("path.gantt-link").count() == 2
    assert page.locator("path.gantt-link.critical").count() == 2
    assert page.locator(".gantt-bar.critical").count() == 3
    # The task table lists what each task depends on.
    row = page.locator(f'#task-table tr[data-task="{tasks["任务 2"].pk}"]')
    assert "任务 1" in row.inner_text()

    # Zoom: day, week and month change the scale (pixels per day) and redraw the chart.
    widths = {}
    for zoom in ("day", "week", "month"):
        page.click(f"#gantt-zoom-{zoom}")
        assert page.locator("#gantt").get_attribute("data-zoom") == zoom
        assert page.locator(f"#gantt-zoom-{zoom}").get_attribute("aria-pressed") == "true"
        widths[zoom] = float(page.locator("#gantt").get_attribute("data-day-width"))
    assert widths["day"] > widths["week"] > widths["month"]
    page.click("#gantt-zoom-day")
    assert page.locator(".gantt-scale.minor").count() > 10, "the day scale numbers the days"

    # Dragging the first bar two days later moves it and pushes its successors (server-side cascade).
    before = {name: (t.planned_start, t.planned_end) for name, t in tasks.items()}
    bar = page.locator(f"#gantt-bar-{tasks['任务 1'].pk}")
    box = bar.bounding_box()
    moves = page.locator("#gantt").get_attribute("data-moves")
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + widths["day"], y, steps=3)
    page.mouse.move(x + widths["day"] * 2, y, steps=3)
    page.mouse.up()
    page.wait_for_function("n => document.getElementById('gantt').dataset.moves !== n", arg=moves)
    for name, task in tasks.items():
        task.refresh_from_db()
        assert task.planned_start == before[name][0] + timedelta(days=2), name
    assert page.locator(f'#task-table tr[data-task="{tasks["任务 3"].pk}"] .task-start').inner_text() == \
        tasks["任务 3"].planned_start.isoformat()
    page.evaluate("document.getElementById('gantt-card').scrollIntoView({behavior: 'instant'})")
    shot(page, "planning-11-gantt-day", full_page=False)

    # On a phone the chart scrolls inside its card; the page itself does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#gantt-svg")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("(() => { const g = document.getElementById('gantt'); "
                         "return g.scrollWidth > g.clientWidth && getComputedStyle(g).overflowX === 'auto'; })()")
    page.evaluate("document.getElementById('gantt-card').scrollIntoView({behavior: 'instant'})")
    shot(page, "planning-12-gantt-phone", full_page=False)
