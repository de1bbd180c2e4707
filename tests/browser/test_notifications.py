"""Issue 11, point 12 in a real browser: the bell counts what is unread, the inbox opens the item and marks it
read, in Chinese and English, on a desktop and at 390 px. Screenshots illustrate docs/guide/01-platform.md."""

import pytest

from .conftest import login, shot

pytestmark = pytest.mark.browser


def test_the_bell_leads_to_the_inbox_and_the_item(page, live_server, demo):
    from notifications.models import Notification

    login(page, live_server, "svc_manager")
    unread = Notification.objects.filter(recipient=demo["svc_manager"], read_at__isnull=True)
    count = unread.count()
    assert count, "the demo's first reminder run told the service manager of the approvals waiting"
    assert page.locator("#notification-count").inner_text() == str(count)

    page.locator("#notification-bell").click()
    page.wait_for_url("**/notifications/")
    assert page.locator("#notifications li.notification").count() == count
    shot(page, "platform-16-notifications")

    first = page.locator("#notifications li.notification a").first
    first.click()
    page.wait_for_load_state()
    assert "/notifications/" not in page.url, "the notification opens its record"
    assert page.locator("#notification-count").inner_text() == str(count - 1)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("#notification-bell").is_visible(), "the bell stays in sight on a phone"
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    shot(page, "platform-17-notifications-phone")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.select_option("#language-select", "en")
    page.click("#language-submit")
    page.wait_for_load_state()
    assert page.locator("h1", has_text="Notifications").is_visible()
    page.locator("#read-all").click()
    page.wait_for_url("**/notifications/")
    assert page.locator("#notification-count").count() == 0
    assert not unread.exists()
