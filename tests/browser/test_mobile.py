"""Issue 11, phones: at 390 × 844 no page of the demo company scrolls sideways (tables scroll inside
themselves, side panels stack, the menu folds into the hamburger), for a few roles, every page of the crawl.

The pages come from tests/crawl.py (found from the URL configuration and by following links), so a new page
is checked without anyone listing it. One browser page is reused for the whole walk; no screenshots but the
guide's two."""

import pytest
from django.test import Client

from tests.crawl import demo_pages

from .conftest import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ROLES = ("admin", "pm", "member")  # the widest reach, a project manager, a team member

WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


def urls_by_role(demo):
    """Each role's pages; a route already walked by an earlier role is not walked again."""
    from django.urls import resolve

    seen_routes, plan = set(), []
    for username in ROLES:
        client = Client(headers={"accept-language": "zh-hans"})
        client.force_login(demo[username])
        urls = []
        for url in demo_pages(client):
            route = resolve(url).route
            if route not in seen_routes:
                seen_routes.add(route)
                urls.append(url)
        plan.append((username, urls))
    return plan


def test_no_page_scrolls_sideways_on_a_phone(page, live_server, demo):
    too_wide, visited = [], 0
    for index, (username, urls) in enumerate(urls_by_role(demo)):
        if index:
            page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)  # the login helper checks the user menu, which a phone folds away
        login(page, live_server, username)
        page.set_viewport_size(PHONE)
        page.reload()
        assert page.locator(".navbar-toggler").is_visible(), "the menu folds into the hamburger on a phone"
        assert not page.locator("#mainnav").is_visible()
        for url in urls:
            page.goto(f"{live_server.url}{url}", wait_until="load")
            width, viewport = page.evaluate(WIDTH)
            visited += 1
            if width > viewport:
                too_wide.append(f"{username} {url}: {width} px")
    assert visited > 100, f"the crawl found only {visited} pages"
    assert not too_wide, "pages wider than the phone:\n" + "\n".join(too_wide)


def test_the_monthly_report_on_a_phone(page, live_server, demo):
    """The report's tables scroll inside themselves and the side panels stack below at full width."""
    from reporting.models import MonthlyServiceReport

    report = MonthlyServiceReport.objects.exclude(snapshot={}).order_by("pk").first()
    login(page, live_server, "svc_manager")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.wait_for_selector("#chart-trend[data-ready='1']")
    assert page.evaluate(WIDTH)[0] <= PHONE["width"]
    table = page.locator("#metric-table")
    wrapper = table.locator("xpath=..")
    assert "table-responsive" in wrapper.get_attribute("class")
    assert wrapper.bounding_box()["width"] <= PHONE["width"]
    # Every card on the page (main column and side panels alike) is as wide as the content column.
    widths = page.evaluate("[...document.querySelectorAll('main .card')].map(c => c.getBoundingClientRect().width)")
    assert widths and min(widths) > PHONE["width"] * 0.85, widths
    page.evaluate("document.getElementById('report-figures').scrollIntoView({behavior: 'instant'})")
    shot(page, "reporting-monthly-report-phone", full_page=False)
