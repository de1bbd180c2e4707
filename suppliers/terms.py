"""The periods and thresholds Commerce works to, read from the settings (with the procedure's defaults)."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone


def evaluation_months() -> int:
    """How long an approved supplier evaluation stays valid (SERVPLAN_SUPPLIER_EVALUATION_MONTHS, 12)."""
    return int(getattr(settings, "SERVPLAN_SUPPLIER_EVALUATION_MONTHS", 12))


def list_months() -> int:
    """How often the qualified supplier list is approved again (SERVPLAN_QUALIFIED_LIST_MONTHS, 12)."""
    return int(getattr(settings, "SERVPLAN_QUALIFIED_LIST_MONTHS", 12))


def warning_days() -> int:
    """How long before a certificate, an evaluation or the list lapses it is flagged
    (SERVPLAN_SUPPLIER_EXPIRY_WARNING_DAYS, 30)."""
    return int(getattr(settings, "SERVPLAN_SUPPLIER_EXPIRY_WARNING_DAYS", 30))


def pass_mark() -> Decimal:
    """The weighted result a supplier needs to qualify (SERVPLAN_SUPPLIER_PASS_MARK, 70)."""
    return Decimal(str(getattr(settings, "SERVPLAN_SUPPLIER_PASS_MARK", 70)))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 January + 1 = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def today() -> date:
    return timezone.localdate()


def evaluation_valid_until(start: date | None = None) -> date:
    return add_months(start or today(), evaluation_months())


def list_review_due() -> date:
    return add_months(today(), list_months())


def warning_horizon(on: date | None = None) -> date:
    """The last day of the warning window: whatever lapses on or before it is flagged."""
    return (on or today()) + timedelta(days=warning_days())
