"""Service-data decisions shared by the pages and the API: which contracts are monitored, which month is asked
for, and pushing tickets or files into a contract the caller may see."""

import hashlib
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t

from contracts.models import Contract

from . import sla
from .columns import records
from .importer import TicketImport

OVERVIEW_LIMIT = 50


def monitored_contracts(user, limit=OVERVIEW_LIMIT):
    """The contracts in force (signed or approved) the user may see, as the SLA overview lists them."""
    return Contract.objects.restrict(user, "view").in_force() \
        .select_related("customer", "service_tier").order_by("customer__name", "number")[:limit]


def sla_overview(user):
    """(contract, month label, figures) per monitored contract, each in its own latest month with data."""
    rows = []
    for contract in monitored_contracts(user):
        year, month = sla.default_month(contract)
        rows.append((contract, f"{year}-{month:02d}", sla.period_metrics(contract, year, month)))
    return rows


def parse_month(text, default):
    """"YYYY-MM" as (year, month); `default` when it is not a month."""
    try:
        year, month = (int(p) for p in str(text).split("-", 1))
        date(year, month, 1)
        return year, month
    except (TypeError, ValueError):
        return default


def requested_month(text, contract=None):
    """The month asked for; none asked: the contract's latest month with data, else the current month."""
    if text:
        parsed = parse_month(text, None)
        if parsed is None:
            raise ValidationError({"month": _t("Give the month as YYYY-MM.")})
        return parsed
    if contract is not None:
        return sla.default_month(contract)
    today = timezone.localdate()
    return today.year, today.month


def ensure_visible(contract, user):
    """Service data goes only into a contract the user may see."""
    if not Contract.objects.restrict(user, "view").filter(pk=contract.pk).exists():
        raise PermissionDenied


def push_tickets(contract, user, items, *, external_system, time_zone, body: bytes):
    """Import a batch of ticket objects: all-or-nothing like a file, idempotent by (external_system, external_id)."""
    ensure_visible(contract, user)
    importer = TicketImport(contract, user, external_system=external_system, time_zone=time_zone or None)
    return importer.run(lambda: records(items), name="api push", sha256=hashlib.sha256(body or b"").hexdigest())


def import_file(contract, user, upload, *, fmt, external_system, time_zone):
    """Queue the import of an uploaded file as an import job."""
    from .tasks import submit

    ensure_visible(contract, user)
    return submit(contract, user, upload, fmt=fmt, external_system=external_system or "import",
                  time_zone=time_zone or "")
