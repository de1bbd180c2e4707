"""SP-4.5.5 and SP-4.5.6 walked as their people do (issue 13).

Chinese: a service engineer marks a ticket as touching information security; the Technical Service Division
director finds the incident at the top of their home page at once (an urgent item, told once) and acknowledges it;
the timeline records both steps. English, in a second browser: the Service Department manager raises an
improvement from a problem under analysis (prefilled from it, the baseline taken from the data) and reads the
register's overdue improvements. The screenshots illustrate guide chapters 09 and 10.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from improvement.models import Improvement
from notifications.choices import NotificationKind
from notifications.models import Notification
from problems.models import Problem
from security.models import SecurityIncident
from servicedata.models import Ticket

from .conftest import english_page, login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]


def test_a_marked_ticket_reaches_the_director_at_once_and_is_acknowledged(page, live_server, demo):
    contract = SecurityIncident.objects.exclude(contract=None).first().contract
    ticket = Ticket.objects.filter(contract=contract, security_incidents__isnull=True).order_by("-created").first()
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}/security/ticket/{ticket.pk}/mark/")
    page.select_option("#id_severity", "high")
    page.fill("#id_description", "工单描述中出现可疑外联地址，疑似主机被植入木马。")
    page.locator("#mark-button").click()
    page.wait_for_load_state()
    incident = SecurityIncident.objects.get(tickets=ticket)
    assert page.url.endswith(incident.get_absolute_url())
    director = demo["tsd_director"]
    told = Notification.objects.filter(recipient=director, kind=NotificationKind.URGENT,
                                       key=f"security_ack:{incident.pk}")
    assert told.count() == 1  # told at once, by the reminder run the report transition enqueued

    logout(page)
    login(page, live_server, "tsd_director")
    urgent = page.locator("#urgent-items")
    assert incident.number in urgent.inner_text()
    shot(page, "security-urgent-home", full_page=False)
    urgent.locator("a", has_text=incident.number).first.click()
    page.wait_for_load_state()
    transition(page, "acknowledge")
    incident.refresh_from_db()
    assert incident.acknowledged_at is not None
    assert page.locator("#incident-timeline .timeline-step").count() >= 2  # reported, acknowledged
    assert "确认" in page.locator("#incident-timeline").inner_text()
    shot(page, "security-timeline")
    assert told.count() == 1  # never told twice


def test_an_improvement_raised_from_a_problem_takes_its_baseline_from_the_data(browser, live_server, demo,
                                                                                 transactional_db):
    problem = Problem.objects.filter(status="analysis").select_related("contract").first()
    context, page = english_page(browser, live_server)
    try:
        login(page, live_server, "svc_manager")
        page.goto(f"{live_server.url}{problem.get_absolute_url()}")
        page.locator("#next-raise-improvement").click()
        page.wait_for_load_state()
        assert page.locator("#id_source_label").input_value().startswith(problem.number)
        page.fill("#id_title", "Replace the printers' fusers before they fail")
        page.select_option("#id_owner", label=str(demo["svc_staff"]))
        page.fill("#id_due_date", (timezone.localdate() + timedelta(days=30)).isoformat())
        page.fill("#id_plan", "Replace the fuser units of the billing printers; add fusers to the monthly checks.")
        page.click("#save-button")
        page.wait_for_load_state()
        improvement = Improvement.objects.get(title="Replace the printers' fusers before they fail")
        assert improvement.source_id == problem.pk and improvement.contract_id == problem.contract_id
        assert improvement.baseline_value is not None and page.locator("#measure-table").is_visible()
        assert improvement.number in page.locator("#object-title").inner_text()
        shot(page, "improvement-raised")

        # A month on, the new improvement is past its due date; the demo company's own are on time.
        Improvement.objects.filter(pk=improvement.pk).update(due_date=timezone.localdate() - timedelta(days=1))
        page.goto(f"{live_server.url}/improvement/improvement/?overdue=true")
        listed = page.locator("table").first.inner_text()
        overdue = Improvement.objects.filter(due_date__lt=timezone.localdate(), status__in=["draft", "in_progress"])
        on_time = Improvement.objects.filter(due_date__gte=timezone.localdate())
        assert list(overdue) == [improvement] and improvement.number in listed
        assert on_time and not any(other.number in listed for other in on_time)
        shot(page, "improvement-register")
        assert not page.problems.items, "\n".join(page.problems.items)
    finally:
        context.close()
