"""SP-2.1 and SP-2.2 walked as their people do (issue 14): the management review 管理评审.

Chinese: the Management Representative drafts the review of a quarter, takes its inputs from the data (SLA
achievement and trend, goal progress, satisfaction, problems, incidents, improvements, supplier performance) and
writes the advice; the General Manager records two decisions (an action for the Service Department manager and an
improvement to open) and approves; the improvement is in the register at once, and the action's owner records it
done from their own work queue. English, in a second browser: the General Manager reads the approved review. The
screenshots illustrate guide chapter 12.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from improvement.choices import SourceKind
from improvement.models import Improvement
from strategy.choices import DecisionStatus
from strategy.models import ManagementReview

from .conftest import click_and_wait, english_page, login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

INPUT_SECTIONS = ("sla_achievement", "sla_trend", "goal_progress", "satisfaction", "problems", "improvements",
                  "supplier_performance")


def test_the_mr_prepares_the_review_from_data_and_the_gm_decides(page, browser, live_server, demo):
    login(page, live_server, "mr")
    page.goto(f"{live_server.url}/strategy/managementreview/add/")
    page.fill("#id_period_start", "2026-07-01")
    page.fill("#id_period_end", "2026-09-30")
    page.fill("#id_meeting_date", "2026-10-20")
    page.fill("#id_advice_policy", "建议将信息安全事件 2 小时内确认纳入服务质量方针。")
    page.fill("#id_advice_industry", "信创替代加速，金融、医疗客户对国产数据库运维需求上升。")
    page.fill("#id_advice_business", "第三季度合同续签率 100%，夜间 P2 工单响应仍是短板。")
    click_and_wait(page, "#save-button")
    review = ManagementReview.objects.get(period_start=date(2026, 7, 1), period_end=date(2026, 9, 30))
    assert page.url.endswith(review.get_absolute_url())
    assert page.locator("#no-inputs").is_visible()

    click_and_wait(page, "#take-inputs")
    review.refresh_from_db()
    assert review.inputs_taken_at is not None
    keys = {section["key"] for section in review.inputs["sections"]}
    assert set(INPUT_SECTIONS) <= keys, keys
    inputs = page.locator("#inputs").inner_text()
    assert "SLA" in inputs and "供方" in inputs  # the SLA achievement and the supplier performance, in Chinese
    shot(page, "management-review-inputs")
    transition(page, "submit", "请总经理评审")
    review.refresh_from_db()
    assert review.status == "in_review"

    logout(page)
    login(page, live_server, "gm")
    assert review.number in page.locator("main").inner_text()  # waiting for the GM on the home page
    page.goto(f"{live_server.url}{review.get_absolute_url()}")
    click_and_wait(page, "#record-decisions")
    owner = demo["svc_manager"]
    due = timezone.localdate() + timedelta(days=10)
    for row, (kind, text) in enumerate((("resources", "夜间增设二线值班工程师"),
                                        ("improvement", "夜间 P2 工单响应改进"))):
        page.select_option(f"#id_decisions-{row}-kind", kind)
        page.fill(f"#id_decisions-{row}-decision", text)
        page.select_option(f"#id_decisions-{row}-owner", str(owner.pk))
        page.fill(f"#id_decisions-{row}-due_date", due.isoformat())
    shot(page, "management-review-decisions")
    click_and_wait(page, "#save-decisions")
    assert review.decisions.count() == 2
    page.goto(f"{live_server.url}{review.get_absolute_url()}")
    transition(page, "approve", "同意，按决议落实")
    review.refresh_from_db()
    assert review.status == "approved"
    improvement = Improvement.objects.get(source_kind=SourceKind.MANAGEMENT_REVIEW, title="夜间 P2 工单响应改进")
    assert improvement.owner == owner and improvement.due_date == due
    assert improvement.number in page.locator("#decisions").inner_text()
    shot(page, "management-review-approved")

    logout(page)
    login(page, live_server, "svc_manager")
    action = review.decisions.get(kind="resources")
    queue = page.locator("main")
    assert "夜间增设二线值班工程师" in queue.inner_text()
    queue.locator("a", has_text="夜间增设二线值班工程师").first.click()
    page.wait_for_load_state()
    page.fill("#track-form textarea[name=result]", "两名工程师已排入夜班表。")
    click_and_wait(page, "#track-decision")
    action.refresh_from_db()
    assert action.status == DecisionStatus.DONE and action.result == "两名工程师已排入夜班表。"

    context, english = english_page(browser, live_server)
    try:
        login(english, live_server, "gm")
        english.goto(f"{live_server.url}{review.get_absolute_url()}")
        text = english.locator("main").inner_text()
        assert "The Management Representative's advice" in text and "Done" in text
        shot(english, "management-review-approved-en")
        assert not english.problems.items, english.problems.items
    finally:
        context.close()
