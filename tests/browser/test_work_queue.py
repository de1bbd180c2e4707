"""The work queue in a real browser: the procedure walked from the home page by following links and buttons.

After each step the next actor signs in and finds the next step on their home page as a link; following it
(and filling the form it opens) takes the step: signed contract → the Service Department manager opens the
project and appoints the PM → the PM writes the initiation application → the department and the division
approve it → the PM is asked for the initiation plan and the project plan → (in English from here) the PM writes
the overdue monthly report → the minute-taker of a meeting held writes its minutes with an action → the
action's owner finds it overdue. Screenshots illustrate docs/guide/01-platform.md (home page and menus).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import login, logout, shot, transition

pytestmark = pytest.mark.browser


def home(page):
    """Back to the home page through the header's brand link."""
    page.locator("a.navbar-brand").click()
    page.wait_for_load_state()


def follow(page, queue, text):
    """Click the item of the home page's `queue` list (pending-approvals, work-next, due-soon) naming `text`."""
    link = page.locator(f"#{queue} a", has_text=text)
    assert link.count() == 1, page.locator(f"#{queue}").inner_text()
    link.click()
    page.wait_for_load_state()


def save(page, url_pattern):
    page.click("#save-button")
    page.wait_for_url(re.compile(url_pattern))


def sign_in_as(page, live_server, username):
    logout(page)
    login(page, live_server, username)


def test_the_procedure_walked_from_the_home_page(page, live_server, demo):
    from core import records
    from core.context import acting_as
    from projects.models import InitiationApplication, Project
    from projects.tests.helpers import signed_contract
    from reporting.models import MonthlyServiceReport, QualityMeeting

    contract = signed_contract()  # the test stand-in for signing (projects/tests/helpers.py)

    # The Service Department manager is told to open the project of the signed contract.
    login(page, live_server, "svc_manager")
    shot(page, "work-queue-01-service-manager-home")
    follow(page, "work-next", contract.number)
    assert page.locator("#id_contract").input_value() == str(contract.pk)
    page.fill("#id_name", "杭州联合银行应用运维项目")
    save(page, r"/projects/project/\d+/$")
    project = Project.objects.get(contract=contract)
    assert contract.number in page.locator("#record-relations").inner_text()  # the project links its contract

    # ... and then to appoint its manager.
    home(page)
    follow(page, "work-next", project.code)
    page.select_option("#id_manager", str(demo["pm"].pk))
    page.locator("#appoint-button").click()
    page.wait_for_load_state()

    # The PM is told to write the initiation application; the link opens the form prefilled.
    sign_in_as(page, live_server, "pm")
    shot(page, "work-queue-02-project-manager-home")
    follow(page, "work-next", project.code)
    assert page.locator("#id_contract").input_value() == str(contract.pk)
    page.fill("#id_budget", "480000")
    page.fill("#id_necessity", "客户核心业务系统需要专业运维保障。")
    page.fill("#id_feasibility", "服务部具备应用运维能力，人员可按计划到位。")
    save(page, r"/projects/initiationapplication/\d+/$")
    transition(page, "submit")
    application = InitiationApplication.objects.get(project=project)

    # The department, then the division, find it waiting for their approval.
    for approver, step in (("svc_manager", "approve_department"), ("tsd_director", "approve")):
        sign_in_as(page, live_server, approver)
        if approver == "tsd_director":
            shot(page, "work-queue-03-approver-home")
        follow(page, "pending-approvals", application.number)
        transition(page, step)
    application.refresh_from_db()
    assert application.status == "approved"

    # The PM is now asked for the initiation plan and the project plan; the application page offers them too.
    sign_in_as(page, live_server, "pm")
    next_steps = page.locator("#work-next").inner_text()
    assert next_steps.count(project.code) == 2
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    assert page.locator("#next-write-project-plan").get_attribute("href") == \
        f"/projects/projectplan/add/?project={project.pk}"

    # From here in English: last month's report of the contract is due (overdue after the report day of this month:
    # the walk holds whatever day it runs on); the PM writes it from the link.
    page.select_option("#language-select", "en")
    page.locator("#language-submit").click()
    page.wait_for_load_state()
    home(page)
    period = f"{timezone.localdate().replace(day=1) - timedelta(days=1):%Y-%m}"
    report_item = page.locator("#work-next li", has_text=f"{contract.number} · {period}")
    assert "Write the monthly service report" in report_item.inner_text()
    shot(page, "work-queue-04-project-manager-home-en")
    report_item.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("#id_contract").input_value() == str(contract.pk)
    save(page, r"/reporting/monthlyservicereport/\d+/$")
    report = MonthlyServiceReport.objects.get(contract=contract)
    assert f"{report.year}-{report.month:02d}" == period
    home(page)
    assert "Finish and submit" in page.locator("#work-next li", has_text=f"{contract.number} · {period}").inner_text()

    # A quality meeting was held yesterday; its minute-taker is asked for the minutes.
    held = timezone.now() - timedelta(days=1)
    tsd = demo["tsd_staff"]
    with acting_as(tsd):
        meeting = records.create(QualityMeeting(
            title="月度服务质量分析会议", year=held.year, month=held.month, start=held, end=held + timedelta(hours=1),
            chair=demo["tsd_director"], minute_taker=tsd, organiser=tsd, agenda=["SLA 达成情况"]), tsd)
    sign_in_as(page, live_server, "tsd_staff")
    follow(page, "work-next", meeting.title)
    assert page.locator("#id_meeting").input_value() == str(meeting.pk)
    page.fill("#id_discussion_0", "P1 响应未达标。")
    page.fill("#id_decisions", "增加夜间值班。")
    page.fill("#id_action_new0_description", "排定夜间值班表")
    page.select_option("#id_action_new0_owner", str(demo["pm"].pk))
    page.fill("#id_action_new0_due", (timezone.localdate() - timedelta(days=1)).isoformat())
    save(page, r"/reporting/meetingminutes/\d+/$")
    assert QualityMeeting.objects.get(pk=meeting.pk).minutes is not None
    home(page)
    assert page.locator(f"#work-next li[data-key='minutes:meeting={meeting.pk}']").count() == 0
    assert "Submit the draft" in page.locator("#work-next li", has_text=meeting.title).inner_text()

    # The action's owner sees it overdue, first in the list, and the link opens the minutes.
    sign_in_as(page, live_server, "pm")
    overdue = page.locator("#due-soon li.overdue", has_text="排定夜间值班表")
    assert overdue.count() == 1
    shot(page, "work-queue-05-overdue-action")
    overdue.locator("a").click()
    page.wait_for_load_state()
    assert "排定夜间值班表" in page.locator("main").inner_text()

    # The PM's header is short: the planning stage's daily pages; the rest under "More".
    page.locator("#nav-planning").click()
    shot(page, "work-queue-06-project-manager-menu", full_page=False)
    page.locator("#nav-more").click()
    assert page.locator(".nav-more-menu a", has_text="Service contracts").count() == 1
