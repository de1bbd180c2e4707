"""Per-contract, per-month, per-priority (and per-service) SLA counts kept as the tickets are written.

The dashboards, the 12-month trend and the monthly reports read these rows (`read`) instead of counting tickets,
so a page costs the same with a hundred tickets or a million. Every writer of tickets or their clocks calls
`refresh` afterwards: `sla.compute_pending` and `sla.recompute`, the importer after its write.

A row counts, for one ticket contract (version), service (or none), local month of the contract calendar's zone
and priority: the tickets created in the month, and the tickets whose response (resolution) outcome was decided
in the month with those decided within target: exactly what `figures` counted from the tickets table before
(decided-in-month semantics, docs/sla.md).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..models import SlaInputsVersion, SlaMonth, Ticket
from .context import contract_zone

# (measure, the ticket column that places a ticket in a month, the column saying it was within target)
MEASURES = (("created", "created", None),
            ("response", "response_decided", "response_met"),
            ("resolution", "resolution_decided", "resolution_met"))
CLOCKS = ("response", "resolution")


@dataclass
class MonthCounts:
    """One month's counts per priority: created, and (within, counted) per clock."""

    created: dict = field(default_factory=dict)
    response: dict = field(default_factory=dict)
    resolution: dict = field(default_factory=dict)

    def add(self, measure, priority, counted, within=0):
        if measure == "created":
            self.created[priority] = self.created.get(priority, 0) + counted
            return
        figures = getattr(self, measure)
        old_within, old_counted = figures.get(priority, (0, 0))
        figures[priority] = (old_within + within, old_counted + counted)

    def merge(self, other: "MonthCounts", sign: int = 1):
        for priority, n in other.created.items():
            self.add("created", priority, sign * n)
        for clock in CLOCKS:
            for priority, (within, counted) in getattr(other, clock).items():
                self.add(clock, priority, sign * counted, sign * within)

    def subtract(self, other: "MonthCounts"):
        self.merge(other, -1)

    @property
    def volume(self) -> int:
        return sum(self.created.values())

    def overall(self, clock) -> tuple[int, int]:
        figures = getattr(self, clock).values()
        return sum(w for w, _c in figures), sum(c for _w, c in figures)

    @property
    def has_data(self) -> bool:
        return any(self.created.values()) or any(c for clock in CLOCKS for _w, c in getattr(self, clock).values())


# ---- months --------------------------------------------------------------------------------------

def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_of(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def month_start(index: int, zone) -> datetime:
    year, month = month_of(index)
    return datetime(year, month, 1, tzinfo=zone)


def _local_month(instant: datetime, zone) -> int:
    local = instant.astimezone(zone)
    return month_index(local.year, local.month)


def _as_instant(since, zone) -> datetime:
    if isinstance(since, datetime):
        return since if timezone.is_aware(since) else since.replace(tzinfo=zone)
    if isinstance(since, date):
        return datetime.combine(since, time(), zone)
    raise TypeError(f"since must be a datetime or a date, not {type(since).__name__}")


# ---- counting from the tickets table (refresh, the open month's cut, the fallback) ----------------

def count_tickets(tickets, lo: datetime, hi: datetime, by_service=False, measures=MEASURES) -> dict:
    """{(service_id or None, priority): MonthCounts} of the tickets placed in [lo, hi) by each measure.

    Three grouped queries, each a range of one of the indexes (contract, created) / (contract, response_decided) /
    (contract, resolution_decided): comparisons with instants only, no function applied to a row."""
    out = {}
    keys = ("service_id", "priority") if by_service else ("priority",)
    for measure, column, met in measures:
        queryset = tickets.filter(**{f"{column}__gte": lo, f"{column}__lt": hi})
        if measure != "created":
            queryset = queryset.filter(**{f"{column}__isnull": False})
        annotations = {"counted": Count("pk")}
        if met:
            annotations["within"] = Count("pk", filter=Q(**{met: True}))
        for row in queryset.values(*keys).annotate(**annotations).order_by():
            key = (row.get("service_id"), row["priority"])
            out.setdefault(key, MonthCounts()).add(measure, row["priority"], row["counted"], row.get("within", 0))
    return out


def _merged(by_key: dict) -> MonthCounts:
    total = MonthCounts()
    for counts in by_key.values():
        total.merge(counts)
    return total


# ---- refresh -------------------------------------------------------------------------------------

def refresh(contract_id: int, since: datetime | None = None) -> int:
    """Recompute the rollup rows of one contract from `since`'s month (None: every month); months refreshed.

    From the tickets table, month by month from `since`'s month (in the contract calendar's zone) to the last month
    with data; the rows of those months (and any later ones) are replaced inside one transaction. Refreshes of one
    contract are serialised (its row is locked on PostgreSQL; SQLite has one writer at a time anyway).
    """
    from contracts.models import Contract

    return refresh_with(Contract, Ticket, SlaMonth, contract_id, since)


def refresh_with(contract_model, ticket_model, rollup_model, contract_id, since=None) -> int:
    """`refresh` with the models given (a data migration passes its historical models)."""
    contract = contract_model.objects.select_related("calendar", "service_tier__service_window").get(pk=contract_id)
    zone = contract_zone(contract)
    tickets = ticket_model.objects.filter(contract_id=contract_id)
    with transaction.atomic():
        if connection.features.has_select_for_update:
            list(contract_model.objects.select_for_update().filter(pk=contract_id).values_list("pk"))
        stale = rollup_model.objects.filter(contract_id=contract_id)
        if since is not None:
            year, month = month_of(_local_month(_as_instant(since, zone), zone))
            stale = stale.filter(Q(year__gt=year) | Q(year=year, month__gte=month))
        stale.delete()  # first, so SQLite holds the write lock before anything is read
        earliest = tickets.order_by("created").values_list("created", flat=True).first()
        if earliest is None:
            return 0
        first = _local_month(earliest, zone)
        if since is not None:
            first = max(first, _local_month(_as_instant(since, zone), zone))
        last = _last_month(tickets, zone)
        if last < first:
            return 0
        now = timezone.now()
        rows = []
        for index in range(first, last + 1):
            year, month = month_of(index)
            counts = count_tickets(tickets, month_start(index, zone), month_start(index + 1, zone), by_service=True)
            rows.extend(_rows(rollup_model, contract_id, year, month, str(zone), counts, now))
        rollup_model.objects.bulk_create(rows, batch_size=500)
    return last - first + 1


def _last_month(tickets, zone) -> int:
    latest = [tickets.filter(**{f"{column}__isnull": False}).order_by(f"-{column}").values_list(column, flat=True)
              .first() for _measure, column, _met in MEASURES]
    return _local_month(max(instant for instant in latest if instant is not None), zone)


def _rows(rollup_model, contract_id, year, month, zone, counts, now):
    for (service_id, priority), c in sorted(counts.items(), key=lambda item: (item[0][0] or 0, item[0][1])):
        response_within, response_counted = c.response.get(priority, (0, 0))
        resolution_within, resolution_counted = c.resolution.get(priority, (0, 0))
        yield rollup_model(contract_id=contract_id, service_id=service_id, year=year, month=month, priority=priority,
                           zone=zone, created=c.created.get(priority, 0), response_counted=response_counted,
                           response_within=response_within, resolution_counted=resolution_counted,
                           resolution_within=resolution_within, refreshed_at=now)


def refresh_contract(contract, since=None) -> int:
    """Refresh every version of a contract (tickets imported against any version belong to it)."""
    from .context import contract_ids

    return sum(refresh(pk, since) for pk in contract_ids(contract))


# ---- reading -------------------------------------------------------------------------------------

def read(contract, start_month: tuple[int, int], end_month: tuple[int, int], service=None, *,
         contract_pks=None, zone=None) -> dict[tuple[int, int], MonthCounts]:
    """{(year, month): MonthCounts} for the months start_month..end_month (inclusive) of the contract (all its
    versions), optionally of one service; months without rows are absent.

    One query on the rollup. Rows are bucketed in the zone of the contract version their tickets belong to; if any
    row read (or any row of the contract in another zone) was bucketed in a zone other than this contract's, the
    months are counted from the tickets table instead, so figures never mix two zones' months.
    """
    from .context import contract_ids

    zone = zone or contract_zone(contract)
    contract_pks = contract_pks if contract_pks is not None else contract_ids(contract)
    first, last = month_index(*start_month), month_index(*end_month)
    (y0, m0), (y1, m1) = month_of(first), month_of(last)
    in_range = (Q(year__gt=y0) | Q(year=y0, month__gte=m0)) & (Q(year__lt=y1) | Q(year=y1, month__lte=m1))
    rows = SlaMonth.objects.filter(contract_id__in=contract_pks).filter(in_range | ~Q(zone=str(zone)))
    if service is not None:
        rows = rows.filter(service=service)
    rows = list(rows.values_list("year", "month", "zone", "priority", "created", "response_counted",
                                 "response_within", "resolution_counted", "resolution_within"))
    if any(row[2] != str(zone) for row in rows):
        return _count_months(contract_pks, zone, first, last, service)
    out = {}
    for year, month, _zone, priority, created, rc, rw, sc, sw in rows:
        counts = out.setdefault((year, month), MonthCounts())
        counts.add("created", priority, created)
        counts.add("response", priority, rc, rw)
        counts.add("resolution", priority, sc, sw)
    return out


def _tickets(contract_pks, service=None):
    tickets = Ticket.objects.filter(contract_id__in=contract_pks)
    return tickets.filter(service=service) if service is not None else tickets


def _count_months(contract_pks, zone, first, last, service):
    out = {}
    for index in range(first, last + 1):
        counts = _merged(count_tickets(_tickets(contract_pks, service), month_start(index, zone),
                                       month_start(index + 1, zone)))
        if counts.has_data:
            out[month_of(index)] = counts
    return out


def counted_between(contract_pks, lo: datetime, hi: datetime, service=None, clocks_only=False) -> MonthCounts:
    """The counts of [lo, hi) from the tickets table: the part of an open month after `now` (or `as_of`) that the
    rollup month holds but a figure as of then must not (outcomes decided in the future: due instants). Bounded
    by the tickets placed after `lo`, not by the month."""
    if hi <= lo:
        return MonthCounts()
    measures = MEASURES[1:] if clocks_only else MEASURES
    return _merged(count_tickets(_tickets(contract_pks, service), lo, hi, measures=measures))



# ---- the inputs version (what closed months' cached figures are keyed by) ----------------------------------

INPUT_APPS = ("catalog", "contracts")  # tiers, targets, services, calendars; contracts and their signed SLAs


def inputs_version() -> int:
    """The current inputs version: one query. 0 before anything bumped it."""
    return SlaInputsVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_inputs_version(sender=None, raw=False, **kwargs):
    """A new, never reused version (random: a transaction rolled back leaves no reusable key behind)."""
    if raw:
        return
    version = uuid.uuid4().int >> 65  # fits a positive bigint
    try:
        with transaction.atomic():
            if not SlaInputsVersion.objects.filter(pk=1).update(version=version):
                SlaInputsVersion.objects.update_or_create(pk=1, defaults={"version": version})
    except DatabaseError:
        # A catalog or contract row saved while the database is migrated to before this table exists (a
        # post_migrate handler of an earlier state): nothing is cached against a version that does not exist yet.
        if SlaInputsVersion._meta.db_table in connection.introspection.table_names():
            raise


def connect_signals():
    """Bump the inputs version on every save or delete of a model the figures read besides tickets."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ..models import MaintenanceWindow, Outage

    models = [Outage, MaintenanceWindow, *(m for label in INPUT_APPS for m in apps.get_app_config(label).get_models())]
    for model in models:
        uid = f"servicedata.sla.inputs.{model._meta.label_lower}"
        post_save.connect(bump_inputs_version, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(bump_inputs_version, sender=model, dispatch_uid=f"{uid}.delete")
        for m2m in model._meta.local_many_to_many:
            m2m_changed.connect(bump_inputs_version, sender=m2m.remote_field.through, dispatch_uid=f"{uid}.{m2m.name}")
