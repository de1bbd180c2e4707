"""The demo's business hours counted minute by minute, straight from the calendar: an independent recount for tests
that check the SLA engine's figures (Monday–Friday 09:00–12:00 and 13:00–18:00 Asia/Shanghai, public holidays and
adjusted workdays from `chinese_calendar`), never through the engine itself."""

from datetime import timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

BJ = ZoneInfo("Asia/Shanghai")
MINUTE = timedelta(minutes=1)


@cache
def workday(day):
    return chinese_calendar.is_workday(day)


def is_business_minute(instant):
    local = instant.astimezone(BJ)
    if not workday(local.date()):
        return False
    minutes = local.hour * 60 + local.minute
    return 9 * 60 <= minutes < 12 * 60 or 13 * 60 <= minutes < 18 * 60


def _counts(t, pauses):
    return is_business_minute(t) and not any(start <= t < end for start, end in pauses)


def business_minutes(start, end, pauses=()):
    """Business minutes in [start, end), minutes inside a pause left out."""
    count, t = 0, start
    while t < end:
        count += _counts(t, pauses)
        t += MINUTE
    return count


def due_instant(start, minutes, pauses=()):
    """The instant `minutes` business minutes after `start` have passed."""
    count, t = 0, start
    while count < minutes:
        count += _counts(t, pauses)
        t += MINUTE
    return t
