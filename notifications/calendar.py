"""A person's due dates as an iCalendar feed (RFC 5545), for Outlook, Thunderbird, Google or a phone calendar.

The feed holds the dated items of the person's work queue (reports, meetings, action items, reviews: whatever
the sources date), each an all-day event on its due date (DTSTART;VALUE=DATE), titled in the person's language,
linking to the exact page. Calendar apps fetch it without a session, so the URL carries a secret token of its
own (NotificationPreference.calendar_token) that the person can regenerate to cut off an old subscription.
"""

from datetime import UTC, timedelta

import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from core.worklist import items_for

from .services import preference_for, site_url


def feed_for(user, today=None) -> bytes:
    today = today or timezone.localdate()
    preference = preference_for(user)
    stamp = timezone.now().astimezone(UTC)  # times in UTC (…Z); due dates are dates
    with translation.override(preference.language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//ServPlan//Due dates//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _t("ServPlan: due dates of %(user)s") % {"user": user})
        for item in items_for(user, today):
            if item.due is None:
                continue
            event = icalendar.Event()
            event.add("uid", f"{item.key}@servplan")
            event.add("dtstamp", stamp)
            event.add("dtstart", item.due)
            event.add("dtend", item.due + timedelta(days=1))
            event.add("summary", str(item.title))
            event.add("url", site_url(item.url))
            event.add("description", site_url(item.url))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
