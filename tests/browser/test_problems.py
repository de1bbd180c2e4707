"""Issue 13 in a real browser: problem management (SP-4.5.4).

A breach-heavy month of the hospital's desktop contract (March 2026: the month's tickets, and a printer that failed
six times, four of them answered late) yields a problem candidate; the Service Department opens the problem from
it with one click, starts the analysis (the missing analysis is listed and submitting is blocked), completes it
and submits the solution; the Service Department manager approves it; the PM starts implementing and records the
solution's tasks done; verification shows no recurrence since the fix date and the problem is closed; the
monthly report of that month lists it in its problems section. Data are built through the services, the steps a
person takes through the pages. Screenshots taken here illustrate the guide's problems chapter.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

BJ = ZoneInfo("Asia/Shanghai")
PRINTER = ("打印机", "HP-M404 计费打印机")
FIX_DATE = "2026-03-31"


def as_user(page, live_server, username, url):
    logout(page)
    login(page, live_server, username)
    page.goto(f"{live_server.url}{url}")


def breach_heavy_month(contract, demo):
    """The month's tickets, and six printer failures in March 2026, four answered late (breaches)."""
    from reporting.tests.helpers import load_month, make_profile
    from servicedata.models import Ticket
    from servicedata.tests.helpers import import_records

    staff = demo["svc_staff"]
    load_month(contract, staff)
    rows = []
    for i, day in enumerate((3, 6, 10, 16, 20, 25)):
        created = datetime(2026, 3, day, 10, 0, tzinfo=BJ)
        rows.append({"external_id": f"PRN{i}", "priority": "P2", "category": PRINTER[0],
                     "configuration_item": PRINTER[1], "created": created.strftime("%Y-%m-%d %H:%M"),
                     "first_response": (created + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M"),
                     "resolved": (created + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
                     "summary": "计费打印机卡纸、无法打印"})
    result = import_records(contract, staff, rows, external_system="itsm-printer")
    assert not result.rejected, result.errors
    late = Ticket.objects.filter(external_system="itsm-printer").order_by("created")[:4]
    Ticket.objects.filter(pk__in=[t.pk for t in late]).update(response_met=False)
    make_profile(contract, demo)


def analyse(problem, demo):
    """What the Service Department writes in the form, written through the services."""
    from core import records, rows
    from core.audit import snapshot
    from core.context import acting_as
    from customers.models import ConfigurationItem

    staff, pm = demo["svc_staff"], demo["pm"]
    problem.refresh_from_db()  # as the form would read it: after the analysis started
    with acting_as(staff):
        item = problem.contract.customer.configuration_items.first() or records.create(
            ConfigurationItem(customer=problem.contract.customer, kind="other", name="门诊收费处打印机"), staff)
        before = snapshot(problem)
        problem.method = "five_whys"
        problem.trend = "3 月共 6 次，后半月 3 次，且 4 次响应超时；月底结账高峰前不处理将影响收费。"
        problem.impact = "门诊收费处无法打印票据，患者排队时间延长。"
        problem.risk_level = "high"
        problem.solution = "更换定影组件并调整驱动版本；项目组实施，服务部验证。"
        records.update(problem, staff, before)
        rows.set_links(problem, "configuration_items", [item], staff)
        rows.replace(problem, "causes", [
            {"position": 1, "question": "为什么无法打印？", "cause": "打印机反复卡纸"},
            {"position": 2, "question": "为什么卡纸？", "cause": "定影组件老化"},
            {"position": 3, "question": "为什么未及时更换？", "cause": "耗材巡检未覆盖定影组件"},
        ], staff)
        rows.replace(problem, "tasks", [{"description": "更换定影组件", "owner": pm},
                                        {"description": "统一打印驱动版本", "owner": pm}], staff)


def test_problem_from_a_breach_heavy_month(page, live_server, demo):
    from contracts.models import Contract
    from problems.models import Problem
    from reporting.tests.helpers import generated_report

    contract = Contract.objects.get(customer__code="nbhospital", title__contains="桌面运维")
    breach_heavy_month(contract, demo)

    # The month's candidates: the printer pair, six tickets, four breaches; one click opens the problem.
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}/problems/candidates/?contract={contract.pk}&end=2026-04-01&days=31")
    row = page.locator(f'.candidate-row[data-item="{PRINTER[1]}"]')
    assert row.is_visible() and "6" in row.inner_text()
    shot(page, "problems-candidates")
    row.locator(".open-problem").click()
    page.wait_for_url(re.compile(r"/problems/problem/\d+/$"))
    problem = Problem.objects.get(contract=contract, configuration_item=PRINTER[1])
    assert problem.tickets.count() == 6

    # Analysis: what is missing is listed and submitting is blocked until it is written.
    transition(page, "analyse")
    page.wait_for_selector("#transition-submit")
    assert page.locator("#analysis-missing").is_visible()
    assert page.locator(".blocked-reason").first.is_visible()
    analyse(problem, demo)
    page.reload()
    assert page.locator("#analysis-missing").count() == 0
    assert page.locator('.conformance-row[data-priority="P2"] .response-breaches').inner_text() == "4"
    shot(page, "problems-analysis")
    transition(page, "submit")
    problem.refresh_from_db()
    assert problem.status == "in_review"

    # The Service Department manager approves the solution; the PM carries it out.
    as_user(page, live_server, "svc_manager", problem.get_absolute_url())
    transition(page, "approve")
    as_user(page, live_server, "pm", problem.get_absolute_url())
    transition(page, "implement")
    while page.locator(".task-done-form").count():
        form = page.locator(".task-done-form").first
        form.locator("input[name=done_on]").fill(FIX_DATE)
        form.locator("button").click()
        page.wait_for_load_state()
    transition(page, "verify")
    assert page.locator("#recurrences").inner_text() == "0"
    assert page.locator("#linked-after").inner_text() == "0"
    shot(page, "problems-verification")

    # No recurrence since the fix date: the Service Department closes it.
    as_user(page, live_server, "svc_staff", problem.get_absolute_url())
    transition(page, "close")
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.snapshot["verification"]["stopped"]

    # The month's report lists the problem in its problems section.
    report = generated_report(contract, demo)
    as_user(page, live_server, "pm", report.get_absolute_url())
    section = page.locator('[data-section="problems"]')
    assert problem.number in section.inner_text()
    section.scroll_into_view_if_needed()
    shot(page, "problems-monthly-report", full_page=False)
