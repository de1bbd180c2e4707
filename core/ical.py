"""iCalendar (RFC 5545) for every app, written by the `icalendar` package (escaping, line folding, CRLF).

`calendar(product)` starts a calendar; `event(uid, summary, start, end, ...)` makes an event whose times are
written in UTC (…Z) and whose dates are all-day (DTSTART;VALUE=DATE). Reporting's meeting invitations and the
notifications' due-date feeds are both written here.
"""

from datetime import UTC, datetime

import icalendar
from django.utils import timezone


def calendar(product, method=None, **properties):
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//ServPlan//{product}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    for name, value in properties.items():
        cal.add(name.replace("_", "-"), value)
    return cal


def _utc(value):
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def event(uid, summary, start, end=None, **properties):
    """An event; `start`/`end` are aware datetimes (written in UTC) or dates (all-day). Other properties by
    name (description, location, url, transp); a list value adds the property once per item."""
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now().astimezone(UTC))
    vevent.add("dtstart", _utc(start))
    if end is not None:
        vevent.add("dtend", _utc(end))
    vevent.add("summary", str(summary))
    for name, value in properties.items():
        for one in value if isinstance(value, list) else [value]:
            vevent.add(name.replace("_", "-"), one)
    return vevent


def person(email, name):
    """An ORGANIZER or ATTENDEE value: mailto address with the person's name."""
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["cn"] = str(name)
    return address

