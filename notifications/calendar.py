"""A person's due dates as an iCalendar feed (RFC 5545), for Outlook, Thunderbird, Google or a phone calendar.

The feed holds the dated items of the person's work queue (reports, meetings, action items, reviews: whatever
the sources date), each an all-day event on its due date (DTSTART;VALUE=DATE), or at its hours for an item that
has them (a meeting), titled in the person's language, linking to the exact page. Calendar apps fetch it
without a session, so the URL carries a secret token of its own (NotificationPreference.calendar_token) that the
person can regenerate to cut off an old subscription.
"""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from core import ical
from core.worklist import items_for

from .services import language_for, preference_for, site_url


def feed_for(user, today=None) -> bytes:
    today = today or timezone.localdate()
    with translation.override(language_for(user, preference_for(user))):
        feed = ical.calendar("Due dates", x_wr_calname=_t("ServPlan: due dates of %(user)s") % {"user": user})
        for item in items_for(user, today):
            if item.due is None:
                continue
            link = site_url(item.url)
            start, end = (item.start, item.end or item.start + timedelta(hours=1)) if item.start \
                else (item.due, item.due + timedelta(days=1))
            feed.add_component(ical.event(f"{item.key}@servplan", item.title, start, end, url=link,
                                          description=link, transp="OPAQUE" if item.start else "TRANSPARENT"))
    return feed.to_ical()
