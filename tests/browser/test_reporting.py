"""Issue 6 in a real browser: monthly service report generated, analysed, approved and issued; a quality
meeting scheduled, minutes with two actions approved and distributed; an overdue action on the dashboard.
Screenshots taken here illustrate docs/guide/06-monitoring.md.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from .conftest import login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]


def shown_pk(page):
    """The pk of the record whose page is open (/app/model/<pk>/)."""
    return int(re.search(r"/(\d+)/$", page.url).group(1))


def as_user(page, live_server, username, url):
    logout(page)
    login(page, live_server, username)
    page.goto(f"{live_server.url}{url}")


def test_monthly_report_and_quality_meeting(page, live_server, demo):
    from contracts.models import Contract
    from reporting.models import ActionItem, MeetingMinutes, MonthlyServiceReport, QualityMeeting
    from reporting.tests.helpers import load_month, make_profile

    contract = Contract.objects.get(customer__code="nbhospital", title__contains="桌面运维")
    load_month(contract, demo["svc_staff"])
    make_profile(contract, demo)

    # The PM creates the March report and generates it (background task with progress).
    login(page, live_server, "pm")
    page.goto(f"{live_server.url}/reporting/monthlyservicereport/add/?contract={contract.pk}")
    page.fill("#id_year", "2026")
    page.fill("#id_month", "3")
    page.click("#save-button")
    page.wait_for_url(re.compile(r"/reporting/monthlyservicereport/\d+/$"))
    page.click("#generate-button")
    page.wait_for_selector("#metric-table")
    page.wait_for_selector("#chart-priority[data-ready='1']")
    page.wait_for_selector("#chart-trend[data-ready='1']")
    assert page.locator("#chart-priority canvas").count() == 1
    assert page.locator("#analysis-missing").is_visible()
    report = MonthlyServiceReport.objects.get(pk=shown_pk(page))  # the demo company has reports of its own
    shot(page, "monitoring-01-monthly-report")

    # The analysis of each missed target, then submit; approval is blocked until then.
    page.click("#edit-button")
    for area in page.locator("textarea[id^='id_analysis_']").all():
        area.fill("夜间值班人手不足，响应延迟")
    for area in page.locator("textarea[id^='id_improvement_']").all():
        area.fill("增加夜间值班工程师，每周复盘")
    shot(page, "monitoring-02-analysis")
    page.click("#save-button")
    page.wait_for_url(re.compile(rf"/reporting/monthlyservicereport/{report.pk}/$"))
    assert not page.locator("#analysis-missing").count()
    transition(page, "submit")

    # The Service Department manager approves and issues it.
    as_user(page, live_server, "svc_manager", report.get_absolute_url())
    transition(page, "approve")
    mail.outbox.clear()
    transition(page, "issue")
    report.refresh_from_db()
    assert report.status == "issued" and report.issued_at is not None
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(report.get_status_display()) in page.locator("#record-status").inner_text()
    shot(page, "monitoring-03-issued")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["it-director@nbhospital.example"]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"

    # The TSD schedules the month's quality meeting.
    as_user(page, live_server, "tsd_staff", "/reporting/qualitymeeting/add/")
    start = timezone.localtime() - timedelta(days=2)
    page.fill("#id_title", "2026年3月 月度服务质量分析会议")
    page.fill("#id_year", "2026")
    page.fill("#id_month", "3")
    page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_location", "三楼会议室")
    page.select_option("#id_chair", str(demo["tsd_director"].pk))
    page.select_option("#id_minute_taker", str(demo["tsd_staff"].pk))
    page.select_option("#id_attendees", [str(demo[u].pk) for u in ("pm", "svc_manager", "member")])
    page.click("#save-button")
    page.wait_for_url(re.compile(r"/reporting/qualitymeeting/\d+/$"))
    meeting = QualityMeeting.objects.get(pk=shown_pk(page))
    assert page.locator("#agenda li").count() >= 3
    assert page.locator("#ics-link").get_attribute("href").endswith("/ics/")
    shot(page, "monitoring-04-meeting")

    # Minutes with two actions (one already past its due date).
    page.click("#write-minutes")
    page.fill("#id_discussion_0", "本月宁波第一医院 P1 响应未达标，原因为夜间值班不足。")
    page.fill("#id_decisions", "增加夜间值班；每周复盘 P1 工单。")
    for name in ("pm", "svc_manager"):  # attendance is recorded at the meeting; member stays absent
        page.check(f"input[name=present][value='{demo[name].pk}']")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.fill("#id_action_new0_description", "补充夜班人员")
    page.select_option("#id_action_new0_owner", str(demo["pm"].pk))
    page.fill("#id_action_new0_due", yesterday.isoformat())
    page.fill("#id_action_new1_description", "更新知识库")
    page.select_option("#id_action_new1_owner", str(demo["member"].pk))
    page.fill("#id_action_new1_due", (yesterday + timedelta(days=14)).isoformat())
    page.click("#save-button")
    page.wait_for_url(re.compile(r"/reporting/meetingminutes/\d+/$"))
    minutes = MeetingMinutes.objects.get(meeting=meeting)
    assert ActionItem.objects.filter(minutes=minutes).count() == 2
    assert page.locator("#action-items .table-danger").count() == 1
    transition(page, "submit")
    as_user(page, live_server, "tsd_director", minutes.get_absolute_url())
    transition(page, "approve")
    mail.outbox.clear()
    transition(page, "distribute")
    minutes.refresh_from_db()
    assert minutes.status == "distributed" and minutes.distributed_at and mail.outbox
    shot(page, "monitoring-05-minutes")

    # The overdue action shows on its owner's home page, marked overdue.
    as_user(page, live_server, "pm", "/")
    assert page.locator("#due-soon li.overdue", has_text="补充夜班人员").count() == 1
    shot(page, "monitoring-06-dashboard")
