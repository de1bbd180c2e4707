"""Issue 11 in a real browser: a user chooses their language and time zone under My settings, and every page
shows times in that zone (the meeting entered for 14:00 Beijing time reads 07:00 in Dubai's zone... in London's)."""

import datetime
import zoneinfo

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def test_my_settings_changes_language_and_zone(page, live_server, demo):
    from reporting.models import QualityMeeting

    meeting = QualityMeeting.objects.order_by("pk").first()
    start = datetime.datetime(2026, 11, 12, 14, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    QualityMeeting.objects.filter(pk=meeting.pk).update(start=start, end=start + datetime.timedelta(hours=2))
    login(page, live_server, "svc_manager")
    page.goto(f"/reporting/qualitymeeting/{meeting.pk}/")
    assert "2026-11-12 14:00" in page.inner_text("main")

    page.locator("#current-user").click()
    page.locator("#my-settings").click()
    page.wait_for_url("**/org/me/")
    page.select_option("#id_language", "en")
    page.select_option("#id_time_zone", "Europe/London")
    shot(page, "settings-01-my-settings")
    page.locator("#preferences-form button[type=submit]").click()
    page.wait_for_url("**/org/me/")
    assert "My settings" in page.inner_text("h1")

    page.goto(f"/reporting/qualitymeeting/{meeting.pk}/")
    text = page.inner_text("main")
    assert "2026-11-12 06:00" in text and "14:00" not in text and "+00:00" not in text
    shot(page, "settings-02-meeting-in-london")
