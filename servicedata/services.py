"""Service-data decisions shared by the pages and the API: which contracts are monitored, which month is asked
for, and bringing tickets into a contract the caller may see (a file, a push, a connector's sync or a webhook batch:
each one audited import job)."""

import hashlib
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t

from contracts.models import Contract

from . import sla
from .choices import ImportFormat, ImportSource, ImportStatus
from .columns import records
from .importer import TicketImport
from .models import ImportJob

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


def push_tickets(contract, user, items, *, external_system, time_zone, body: bytes, profile=None,
                 builtin_profile=""):
    """Import a batch of ticket objects (ServPlan's columns, or a service desk's own objects read with a profile):
    all-or-nothing like a file unless the profile's rules say otherwise, idempotent by (external_system,
    external_id). Returns the import job, with the import's result as `job.result`."""
    spec = profile_spec(profile, builtin_profile)
    rows = (lambda: spec.records(items)) if spec is not None else (lambda: records(items))
    return import_records(contract, user, rows, source=ImportSource.API, spec=spec, profile=profile,
                          builtin_profile=builtin_profile, name="api push",
                          sha256=hashlib.sha256(body or b"").hexdigest(), external_system=external_system,
                          time_zone=time_zone)


def profile_spec(profile=None, builtin_profile=""):
    """The ProfileSpec of an approved profile or a built-in one (by key); None for ServPlan's own columns."""
    if profile is not None:
        return profile.spec()
    if builtin_profile:
        from .intake import builtin

        return builtin.get(builtin_profile)
    return None


def import_records(contract, user, rows, *, source, spec=None, profile=None, builtin_profile="", connector=None,
                   name="", sha256="", external_system=None, time_zone=None, fmt=ImportFormat.JSON, progress=None,
                   compute=True, ignored_columns=None) -> ImportJob:
    """Import source records now, as one audited import job (API push, connector sync, webhook batch).

    `rows` is re-iterable: a function returning a fresh iterator of (number, canonical record). The job ends done
    or rejected with the counts, errors, warnings and quality report; an unexpected error fails it (and is
    raised). The import's result is `job.result`.
    """
    from core.permissions import allowed

    from .tasks import finish_with

    ensure_visible(contract, user)
    if not allowed(user, ImportJob, "add"):
        raise PermissionDenied(_t("Your role may not import service data."))
    system = external_system or (spec.external_system if spec else "") or str(source)
    job = ImportJob.objects.create(
        contract=contract, source=source, name=(name or str(source))[:200], format=fmt,
        sha256=sha256, external_system=system[:40], time_zone=time_zone or "", created_by=user, profile=profile,
        builtin_profile=builtin_profile or "", connector=connector, status=ImportStatus.VALIDATING,
        started_at=timezone.now(), attempts=1)
    importer = TicketImport(contract, user, external_system=system, time_zone=time_zone or None, spec=spec,
                            progress=progress, compute=compute)
    try:
        result = importer.run(rows, name=job.name, sha256=sha256, job=job, ignored_columns=ignored_columns)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, finished_at=timezone.now(),
                                                   message=_t("The import failed: %(error)s") % {"error": exc})
        raise
    finish_with(job, result)
    job.refresh_from_db()
    job.result = result
    return job


def import_file(contract, user, upload, *, fmt, external_system, time_zone, profile=None, builtin_profile=""):
    """Queue the import of an uploaded file as an import job (read with `profile` or `builtin_profile` if given)."""
    from .tasks import submit

    ensure_visible(contract, user)
    return submit(contract, user, upload, fmt=fmt, external_system=external_system or "import",
                  time_zone=time_zone or "", profile=profile, builtin_profile=builtin_profile)
