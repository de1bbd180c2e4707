"""Ticket clocks in bulk: the engine over a contract's tickets as NumPy arrays, written back per batch.

Each ticket keeps the calendar version and SLA (tier) version it was measured with. The import measures its
new and changed tickets in its own write pass (`measuring` once, then `measure_batch`/`clock_rows` per batch:
the same `measure`, written with the INSERT); tickets left without clocks are measured by `compute_pending`;
re-measuring existing tickets with a newer calendar or SLA is an explicit, audited step (`recompute`), never
silent.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import BigIntegerField, Func
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from catalog.targets import target_arrays
from core import audit, businesstime, display
from core.businesstime import MISSING
from core.choices import AuditAction

from .. import bulk
from ..models import Ticket, TicketPause
from . import rollup
from .context import contract_calendar, contract_ids, contract_zone, sla_schedule, sla_version_id

CHUNK = 100_000

@dataclass
class ComputeResult:
    tickets: int = 0
    calendar_version_id: int | None = None
    sla_version_id: int | None = None
    breached_response: int = 0
    breached_resolution: int = 0


def _due(clock, created, target, live=None):
    """Instant at which `target` business seconds have elapsed after `created`; MISSING where no target,
    where not `live`, or beyond the clock."""
    due = np.full(created.shape, MISSING, dtype=np.int64)
    ok = target >= 0
    if live is not None:
        ok &= live
    if ok.any():
        ok &= clock.position(created) + np.where(ok, target, 0) <= clock.total_seconds
        due[ok] = clock.add(created[ok], target[ok])
    return due


def resolution_due(clock, created, resolved, target, p_ticket, p_start, p_end):
    """The instant the resolution clock reaches its target, pauses taken into account.

    Pauses are merged per ticket and walked in order: a pause that starts
    before the current due instant pushes it out by the pause's business
    length. An unresolved ticket waiting on the customer since before its due
    instant has no due instant (MISSING) until the pause ends.
    """
    due = _due(clock, created, target)
    if p_ticket.size == 0:
        return due
    p_start = np.maximum(p_start, created[p_ticket])
    done = resolved[p_ticket] != MISSING
    p_end = np.where(p_end == MISSING, np.where(done, resolved[p_ticket], MISSING), p_end)
    p_end = np.where(done & (p_end != MISSING), np.minimum(p_end, resolved[p_ticket]), p_end)
    order = np.lexsort((p_start, p_ticket))
    p_ticket, p_start, p_end = p_ticket[order], p_start[order], p_end[order]
    # Clip each pause to start after the previous ones of its ticket end (merging overlaps).
    far = clock.range_end
    ends = np.where(p_end == MISSING, far, p_end)
    span = far - clock.range_start + 1
    key = p_ticket * span + (ends - clock.range_start)
    previous = np.concatenate(([-1], np.maximum.accumulate(key)[:-1]))
    prev_end = np.where(previous >= p_ticket * span, previous - p_ticket * span + clock.range_start,
                        clock.range_start)
    p_start = np.minimum(np.maximum(p_start, prev_end), ends)
    first = np.searchsorted(p_ticket, p_ticket, side="left")
    rank = np.arange(p_ticket.size) - first
    paused = np.zeros(created.shape, dtype=np.int64)
    for k in range(int(rank.max()) + 1):
        sel = rank == k
        t, s, e = p_ticket[sel], p_start[sel], p_end[sel]
        hits = (due[t] != MISSING) & (s < due[t])
        t, s, e = t[hits], s[hits], e[hits]
        still_open = e == MISSING
        due[t[still_open]] = MISSING
        t, s, e = t[~still_open], s[~still_open], e[~still_open]
        if t.size:
            paused[t] += clock.elapsed(s, np.maximum(e, s))
            due[t] = _due(clock, created[t], target[t] + paused[t])
    return due


def _clock_for(spec, arrays, as_of, max_target, cache=None):
    # Margin so every due instant fits: a business hour a day at least, plus a month of holidays.
    margin = 31 + int(max(max_target, 0) // 3600)
    if cache is None:
        return businesstime.BusinessClock.covering(spec, *arrays, np.array([as_of]), margin_days=margin)
    # The clock `covering` would build ends on `last`; one ending there and starting earlier gives the same
    # answers (positions are differences), so a pass measuring batch after batch builds it once, not per batch.
    values = np.concatenate([np.ravel(a) for a in arrays] + [np.array([as_of], dtype=np.int64)])
    values = values[values != MISSING]
    first = datetime.fromtimestamp(int(values.min()), spec.zone).date() - timedelta(days=margin)
    last = datetime.fromtimestamp(int(values.max()), spec.zone).date() + timedelta(days=margin)
    clock = cache.get((spec, last))
    if clock is None or clock.start_date > first:
        clock = cache[(spec, last)] = businesstime.BusinessClock.from_spec(
            spec, min(first, clock.start_date if clock else first), last)
    return clock


def measure(spec, tier, created, responded, resolved, priority, p_ticket, p_start, p_end, as_of, clocks=None):
    """All computed fields for arrays of tickets (epoch seconds, MISSING = not yet); returns a dict of arrays.
    `clocks`: a dict in which a caller measuring many batches keeps the business clocks built (see _clock_for)."""
    response_target, resolution_target = target_arrays(tier, priority)
    clock = _clock_for(spec, (created, responded, resolved, p_start, p_end), as_of,
                       max(int(resolution_target.max(initial=0)), int(response_target.max(initial=0))), clocks)
    responded = np.where(responded > as_of, MISSING, responded)
    resolved = np.where(resolved > as_of, MISSING, resolved)
    clocks = businesstime.compute_ticket_clocks(clock, created, responded, resolved, response_target,
                                                resolution_target, as_of, p_ticket, p_start, p_end)
    out = {}
    for name, done_at, target, seconds, breached, due in (
            ("response", responded, response_target, clocks.response_seconds, clocks.response_breached,
             _due(clock, created, response_target)),
            ("resolution", resolved, resolution_target, clocks.resolution_seconds, clocks.resolution_breached,
             resolution_due(clock, created, resolved, resolution_target, p_ticket, p_start, p_end))):
        met = (seconds != MISSING) & ((target < 0) | (seconds <= target))
        out[f"{name}_seconds"] = seconds
        out[f"{name}_breached"] = breached
        out[f"{name}_due"] = due
        out[f"{name}_met"] = met
        out[f"{name}_decided"] = np.where(met, done_at, due)
    return out


class Epoch(Func):
    """A timestamp column as integer epoch seconds, computed by the database (no datetime objects in Python)."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # '%%%%s' ends up as strftime('%s'): once through the template, once through the cursor's %-escaping.
        return self.as_sql(compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)",
                           **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)",
                           **extra)

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault("template", "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)")
        return super().as_sql(compiler, connection, **extra)


def _int_array(values):
    return np.fromiter((MISSING if v is None else v for v in values), dtype=np.int64, count=len(values))


def _tickets_in_chunks(queryset):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "priority", Epoch("created"), Epoch("first_response"),
                                 Epoch("resolved"))[:CHUNK])
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _compute(contract, queryset, user=None, progress=None) -> ComputeResult:
    calendar = contract_calendar(contract)
    version = calendar.current_version()
    spec = version.to_spec()
    zone = contract_zone(contract)
    starts, slas = sla_schedule(contract, zone)
    today = timezone.now().astimezone(zone).date()
    result = ComputeResult(calendar_version_id=version.pk, sla_version_id=sla_version_id(contract.sla_for(today)))
    now = timezone.now()
    as_of = int(now.timestamp())
    for rows in _tickets_in_chunks(queryset):
        pks, priority, created, responded, resolved = zip(*rows, strict=True)
        pks = np.array(pks, dtype=np.int64)
        lo, hi = int(pks[0]), int(pks[-1])
        pauses = list(TicketPause.objects.filter(ticket__in=queryset.filter(pk__gte=lo, pk__lte=hi))
                      .values_list("ticket_id", Epoch("start"), Epoch("end")))
        if pauses:
            p_ids, p_start, p_end = zip(*pauses, strict=True)
            p_ticket = np.searchsorted(pks, np.array(p_ids, dtype=np.int64))
            p_start, p_end = _int_array(p_start), _int_array(p_end)
        else:
            p_ticket = p_start = p_end = np.zeros(0, dtype=np.int64)
        created, responded, resolved = _int_array(created), _int_array(responded), _int_array(resolved)
        priority = np.array(priority)
        # Each ticket is measured against the SLA in force when it was created: a signed change applies from
        # its effective date, earlier tickets keep the SLA before it.
        group = np.searchsorted(starts, created, side="right") if starts.size else np.zeros(pks.shape, np.int64)
        for g in np.unique(group):
            members = np.nonzero(group == g)[0]
            in_group = np.isin(p_ticket, members)
            values = measure(spec, slas[g], created[members], responded[members], resolved[members],
                             priority[members], np.searchsorted(members, p_ticket[in_group]), p_start[in_group],
                             p_end[in_group], as_of)
            _write(pks[members], values, version.pk, sla_version_id(slas[g]), now)
            result.breached_response += int(values["response_breached"].sum())
            result.breached_resolution += int(values["resolution_breached"].sum())
        result.tickets += pks.size
        if progress is not None:
            progress(result.tickets)
    if result.tickets >= 20_000:
        bulk.analyze(Ticket)
    return result


def _nullable(values):
    return [None if v == MISSING else v for v in values.tolist()]


def _write(pks, values, calendar_version_id, sla_version_id, now):
    """Store the computed fields (one UPDATE per batch through servicedata.bulk)."""
    names = ("response_seconds", "resolution_seconds", "response_breached", "resolution_breached", "response_met",
             "resolution_met", "response_due", "resolution_due", "response_decided", "resolution_decided")
    columns = [_nullable(values[n]) if n.endswith(("_seconds", "_due", "_decided")) else values[n].tolist()
               for n in names]
    count = pks.size
    stamp = int(now.timestamp())
    rows = list(zip(pks.tolist(), *columns, [calendar_version_id] * count, [sla_version_id] * count,
                    [stamp] * count, strict=True))
    with transaction.atomic():
        bulk.update_rows(Ticket, (*names, "calendar_version_id", "sla_version_id", "computed_at"), rows)


# The computed fields of a ticket, in the order `clock_rows` gives them (database form).
CLOCK_FIELDS = ("response_seconds", "resolution_seconds", "response_breached", "resolution_breached", "response_met",
                "resolution_met", "response_due", "resolution_due", "response_decided", "resolution_decided",
                "calendar_version_id", "sla_version_id", "computed_at")
# A ticket waiting for its clocks (compute_pending measures it): the same fields, none computed.
NO_CLOCKS = (None, None, False, False, None, None, None, None, None, None, None, None, None)


@dataclass
class Measuring:
    """What one pass measures a contract's tickets with, read once: the current calendar version, the SLAs in
    force from their effective instants (`sla_schedule`) and the instant `as_of` (also the tickets'
    `computed_at`)."""

    spec: object
    calendar_version_id: int
    starts: np.ndarray
    slas: list
    sla_version_ids: np.ndarray
    now: datetime
    as_of: int
    clocks: dict = field(default_factory=dict)  # business clocks built so far, reused batch after batch


def measuring(contract, now=None) -> Measuring:
    """The context `measure_batch` needs, as `_compute` reads it (for a caller measuring in its own pass)."""
    version = contract_calendar(contract).current_version()
    starts, slas = sla_schedule(contract, contract_zone(contract))
    now = now or timezone.now()
    return Measuring(version.to_spec(), version.pk, starts, slas,
                     np.array([sla_version_id(sla) for sla in slas], dtype=np.int64), now, int(now.timestamp()))


def measure_batch(context: Measuring, created, responded, resolved, priority, p_ticket, p_start, p_end) -> dict:
    """The clocks of a batch of tickets not yet stored (the importer's new and changed rows), exactly as
    compute_pending would measure them once stored: each ticket against the SLA in force at its creation, one
    engine call per SLA over the batch, events after `as_of` not yet happened.

    Arrays of epoch seconds (MISSING = not yet), priority codes, and the pauses as (index into the batch,
    start, end or MISSING). Returns measure()'s arrays plus "sla_version_id".
    """
    created = np.asarray(created, dtype=np.int64)
    priority = np.asarray(priority)
    group = np.searchsorted(context.starts, created, side="right") if context.starts.size \
        else np.zeros(created.shape, np.int64)
    out = {}
    for g in np.unique(group):
        members = np.nonzero(group == g)[0]
        in_group = np.isin(p_ticket, members)
        values = measure(context.spec, context.slas[g], created[members], responded[members], resolved[members],
                         priority[members], np.searchsorted(members, p_ticket[in_group]), p_start[in_group],
                         p_end[in_group], context.as_of, context.clocks)
        for name, array in values.items():
            if name not in out:
                out[name] = np.empty(created.shape, dtype=array.dtype)
            out[name][members] = array
    out["sla_version_id"] = context.sla_version_ids[group] if created.size else np.zeros(0, np.int64)
    return out


def clock_rows(context: Measuring, values) -> list[tuple]:
    """measure_batch()'s arrays as one tuple per ticket in the order of CLOCK_FIELDS, in the form
    servicedata.bulk writes (instants as epoch seconds, None for NULL)."""
    count = values["sla_version_id"].size
    columns = [_nullable(values[name]) if name.endswith(("_seconds", "_due", "_decided")) else values[name].tolist()
               for name in CLOCK_FIELDS[:10]]
    stamp = int(context.now.timestamp())
    return list(zip(*columns, [context.calendar_version_id] * count, values["sla_version_id"].tolist(),
                    [stamp] * count, strict=True))


def compute_pending(contract, user=None, rollup_since: datetime | None = None) -> ComputeResult:
    """Compute clocks of the contract's tickets that have none yet (new or changed by an import).

    The rollup is refreshed afterwards, from `rollup_since` (the earliest created instant, old or new, of the
    tickets written, when the caller knows it), else for every month: a changed ticket's old month is not known
    here."""
    queryset = Ticket.objects.filter(contract_id__in=contract_ids(contract), computed_at__isnull=True)
    result = _compute(contract, queryset, user)
    if result.tickets:
        rollup.refresh_contract(contract, since=rollup_since)
    return result


def recompute(contract, user, since: date | None = None, comment="", progress=None) -> ComputeResult:
    """Re-measure the contract's tickets (created on or after `since`) with the current calendar and SLA.

    Explicit and audited: one audit entry with the counts and the versions before and after. `progress(tickets)`
    is called after each chunk (a background job's progress, core.jobs).
    """
    queryset = Ticket.objects.filter(contract_id__in=contract_ids(contract))
    if since is not None:
        queryset = queryset.filter(created__gte=datetime.combine(since, datetime.min.time(), contract_zone(contract)))
    def versions(column):
        return sorted(v for v in queryset.values_list(column, flat=True).order_by().distinct() if v is not None)

    before = {"calendar_versions": versions("calendar_version_id"), "sla_versions": versions("sla_version_id")}
    with transaction.atomic():
        result = _compute(contract, queryset, user, progress)
        rollup.refresh_contract(contract, since=since)
        audit.record_entry(
            AuditAction.BULK, contract, user=user,
            obj_repr=_t("SLA recomputed for %(contract)s") % {"contract": contract},
            changes={"tickets": result.tickets, "since": since.isoformat() if since else None,
                     "calendar_versions": [before["calendar_versions"], [result.calendar_version_id]],
                     "sla_versions": [before["sla_versions"], [result.sla_version_id]],
                     "breached_response": result.breached_response,
                     "breached_resolution": result.breached_resolution},
            comment=comment or display.message(gettext_noop("Recomputed %(n)s tickets."), n=result.tickets))
    return result
