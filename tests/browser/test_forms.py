"""Forms people like, in a real browser (issue 11): the error summary at the top links to each field, sections
stand in two columns on a desktop and in one on a phone, a change's contract choices follow the customer, a
work-plan task is added without leaving the plan's page."""

import re

import pytest

from .conftest import login, shot

pytestmark = pytest.mark.browser

REQUIREMENT_ADD = "/presales/servicerequirement/add/"


def _context(browser, live_server, locale, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale,
                                  timezone_id="Asia/Shanghai", base_url=live_server.url)
    return context, context.new_page()


@pytest.mark.parametrize(("locale", "width", "name"), [
    ("zh-CN", 1366, "forms-01-requirement-errors"), ("en-US", 1366, "forms-01-requirement-errors.en"),
    ("zh-CN", 390, "forms-02-requirement-phone"), ("en-US", 390, "forms-02-requirement-phone.en")])
def test_requirement_form_summary_and_columns(browser, live_server, transactional_db, demo, locale, width, name):
    context, page = _context(browser, live_server, locale, 1366)
    try:
        login(page, live_server, "sales")  # the header's user menu folds away on a phone
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(REQUIREMENT_ADD)
        page.fill("#id_title", "  ")
        page.evaluate("document.getElementById('object-form').noValidate = true")
        page.click("#save-button")
        page.wait_for_load_state()
        summary = page.locator("#form-errors")
        assert summary.is_visible()
        assert summary.bounding_box()["y"] < page.locator("#id_title").bounding_box()["y"]
        link = summary.locator("a[href='#id_goals']")
        assert link.count() == 1
        sections = page.locator("fieldset.form-section")
        first, second = sections.nth(0).bounding_box(), sections.nth(1).bounding_box()
        if width >= 992:
            assert second["x"] > first["x"] + first["width"] / 2  # side by side
        else:
            assert abs(second["x"] - first["x"]) < 2 and second["y"] > first["y"]  # stacked
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, name, full_page=width >= 992)
        link.click()
        assert page.evaluate("document.activeElement.id") == "id_goals" or page.url.endswith("#id_goals")
    finally:
        context.close()


def test_contract_choices_follow_the_customer(page, live_server, demo):
    from contracts.models import Contract

    contract = Contract.objects.filter(status="signed").order_by("pk").first()
    other = Contract.objects.exclude(customer=contract.customer).order_by("pk").first()
    login(page, live_server, "sales")
    page.goto(REQUIREMENT_ADD)
    assert page.locator(f"#id_contract option[value='{contract.pk}']").count() == 0
    page.select_option("#id_customer", str(contract.customer_id))
    page.wait_for_selector(f"#id_contract option[value='{contract.pk}']", state="attached")
    assert page.locator(f"#id_contract option[value='{other.pk}']").count() == 0


def test_a_task_is_added_on_the_plan_page(page, live_server, demo):
    from projects.models import Task
    from projects.tests import helpers

    project = helpers.opened_project(demo)
    helpers.approved_plan(project, demo)
    plan = helpers.work_plan(project, demo, tasks=2)
    login(page, live_server, "pm")
    page.goto(plan.get_absolute_url())
    url = page.url
    page.click("#add-task")
    page.wait_for_selector("#task-form")
    assert page.url == url  # the form opened on the plan's page
    page.fill("#task-form #id_name", "月度巡检")
    page.select_option("#task-form #id_assignee", str(demo["member"].pk))
    page.fill("#task-form #id_planned_start", "2026-03-02")
    page.fill("#task-form #id_planned_end", "2026-03-06")
    page.fill("#task-form #id_effort_hours", "8")
    shot(page, "forms-03-inline-task", full_page=False)
    page.click("#save-task")
    page.wait_for_selector("#task-table td:has-text('月度巡检')")
    assert re.sub(r"#.*$", "", page.url) == re.sub(r"#.*$", "", url)
    assert Task.objects.filter(work_plan=plan, name="月度巡检").exists()


EDIT_PAGES = {
    "contract": lambda: f"/contracts/contract/{_draft_contract().pk}/edit/",
    "plan": lambda: "/projects/projectplan/add/",
    "minutes": lambda: f"/reporting/meetingminutes/add/?meeting={_meeting().pk}",
    "sla": lambda: f"/contracts/servicelevelagreement/{_draft_contract().sla().pk}/edit/",
}


def _meeting():
    from reporting.models import QualityMeeting

    return QualityMeeting.objects.order_by("pk").first()


def _draft_contract():
    from contracts.models import Contract
    from contracts.services import contract_from_proposal
    from core.context import acting_as
    from presales.models import PresalesProposal

    existing = Contract.objects.filter(title="表单截图合同").first()
    if existing:
        return existing
    proposal = PresalesProposal.objects.filter(status="approved").order_by("pk").first()
    sales = proposal.author.__class__.objects.get(username="sales")
    with acting_as(sales):
        return contract_from_proposal(proposal, sales, title="表单截图合同")


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_edit_pages_fit_the_screen(browser, live_server, transactional_db, demo, locale, width, tmp_path_factory):
    """The long edit pages in both languages on a desktop and a phone: nothing wider than the screen."""
    folder = tmp_path_factory.mktemp("edit-pages")
    context, page = _context(browser, live_server, locale, 1366)
    try:
        for name, url in EDIT_PAGES.items():
            user = {"contract": "sales", "sla": "sales", "plan": "pm", "minutes": "tsd_staff"}[name]
            page.context.clear_cookies()
            login(page, live_server, user)
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url())
            assert page.locator("#object-form").count() == 1, name
            # Every row table takes the form's width (none squeezed beside its heading).
            assert page.evaluate("Array.from(document.querySelectorAll('.formset .table-responsive'))"
                                 ".every((box) => box.clientWidth > 200)"), name
            if width < 992:
                assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            page.screenshot(path=str(folder / f"{name}-{locale}-{width}.png"), full_page=True)
            page.set_viewport_size({"width": 1366, "height": 900})
    finally:
        context.close()
    print(folder)
