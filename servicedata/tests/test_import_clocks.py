"""The import measures every ticket's SLA clocks in its own write pass (issue 16): the clocks written with the
INSERT (or the UPDATE of a changed ticket) are exactly those `compute_pending` gives the same tickets from
scratch, and the rollup is refreshed once per contract from the earliest `created` involved."""

import tracemalloc
from datetime import UTC, datetime

import pytest
from django.db.models import F

from servicedata import sla
from servicedata.generator import generate_tickets, write_csv
from servicedata.models import Ticket
from servicedata.sla import CLOCK_FIELDS

from .helpers import import_records

# A fixed "now", so both ways measure as of the same instant (open tickets, future responses, breaches so far).
NOW = datetime(2026, 4, 15, 2, 30, 17, tzinfo=UTC)
COLUMNS = list(CLOCK_FIELDS)


@pytest.fixture
def frozen(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def contract(contracts):
    """nbhospital: its signed SLA takes effect on 2026-03-01 (Beijing), so tickets either side of that date are
    measured against different SLAs (sla_schedule). The demo's signed SLA has the tier's targets; here it gets
    shorter ones, so measuring a ticket against the wrong one shows."""
    from contracts.models import SlaTarget

    contract = contracts["nbhospital"]
    _starts, slas = sla.sla_schedule(contract, sla.contract_zone(contract))
    assert len(slas) == 2
    SlaTarget.objects.filter(sla=slas[1]).update(response_minutes=F("response_minutes") / 2,
                                                 resolution_minutes=F("resolution_minutes") / 2)
    return contract


def _records(contract, count=1200, seed=7):
    """Generated tickets over Dec 2025 - mid-April 2026 (open ones, pauses, breaches) and hand-made edge cases."""
    records = list(generate_tickets(contract, count, seed, months=4, end=NOW, prefix="GEN"))
    records += [
        # responded and resolved within the future tolerance: not yet, as of now
        {"external_id": "EDGE-FUTURE", "priority": "P2", "created": "2026-04-15 09:00",
         "first_response": "2026-04-15 20:00", "resolved": "2026-04-15 21:00"},
        # two pauses, overlapping, one of them still running; and a pause across the SLA change
        {"external_id": "EDGE-PAUSES", "priority": "P3", "created": "2026-02-27 10:00",
         "first_response": "2026-02-27 10:05",
         "pauses": "2026-02-27 11:00/2026-03-02 10:00; 2026-03-01 09:00/"},
        {"external_id": "EDGE-OPEN", "priority": "P1", "created": "2026-04-14 17:50"},
        # breached a few seconds before "now" (10:30:17 in Beijing), by the response clock of either SLA
        {"external_id": "EDGE-JUST", "priority": "P1", "created": "2026-04-15 09:59:00"},
        {"external_id": "EDGE-BOUNDARY", "priority": "P4", "created": "2026-03-01 00:00",
         "first_response": "2026-03-02 09:00", "resolved": "2026-03-20 09:00",
         "pauses": "2026-03-03 09:00/2026-03-10 18:00"},
        {"external_id": "EDGE-BEFORE", "priority": "P4", "created": "2026-02-28 23:59",
         "first_response": "2026-03-02 09:00", "resolved": "2026-03-20 09:00"},
    ]
    return records


def _clocks(system):
    rows = Ticket.objects.filter(external_system=system).values_list("external_id", *COLUMNS)
    return {row[0]: row[1:] for row in rows}


def _both_ways(contract, user, records, monkeypatch):
    """Import `records` as system "after" without clocks then compute_pending (the old way), and as system
    "inpass" with clocks measured in the import's pass, with no compute_pending call; return both clocks."""
    later = import_records(contract, user, records, external_system="after", compute=False)
    assert not later.errors, later.errors[:3]
    assert Ticket.objects.filter(external_system="after", computed_at__isnull=True).count() \
        == later.created + later.updated
    assert sla.compute_pending(contract).tickets == later.created + later.updated

    def no_second_pass(*args, **kwargs):
        raise AssertionError("the import measured its tickets in a second pass")

    with monkeypatch.context() as patch:
        patch.setattr(sla, "compute_pending", no_second_pass)
        patch.setattr("servicedata.sla.clocks.compute_pending", no_second_pass)
        inpass = import_records(contract, user, records, external_system="inpass")
    assert not inpass.errors, inpass.errors[:3]
    assert (inpass.created, inpass.updated) == (later.created, later.updated)
    assert inpass.computed == inpass.created + inpass.updated
    return _clocks("after"), _clocks("inpass")


def test_import_writes_the_clocks_compute_pending_gives(contract, demo, frozen, monkeypatch):
    records = _records(contract)
    after, inpass = _both_ways(contract, demo["svc_staff"], records, monkeypatch)
    assert len(inpass) == len(records) and not Ticket.objects.filter(computed_at__isnull=True).exists()
    assert inpass == after
    # The data exercises what the clocks depend on: both SLAs in force, open tickets, breaches, pauses.
    starts, _slas = sla.sla_schedule(contract, sla.contract_zone(contract))
    created = Ticket.objects.filter(external_system="inpass").values_list("created", flat=True)
    assert {int(c.timestamp()) >= starts[0] for c in created} == {True, False}
    assert any(values[COLUMNS.index("resolution_seconds")] is None for values in inpass.values())
    assert any(values[COLUMNS.index("resolution_breached")] for values in inpass.values())
    assert inpass["EDGE-FUTURE"][:2] == (None, None)  # responded after "now": not yet
    assert all(values[COLUMNS.index("computed_at")] == NOW.replace(microsecond=0) for values in inpass.values())


def test_changed_tickets_carry_their_new_clocks(contract, demo, frozen, monkeypatch):
    records = _records(contract, count=400, seed=11)
    _both_ways(contract, demo["svc_staff"], records, monkeypatch)
    changed = [dict(record) for record in records]
    for i, record in enumerate(changed):
        if i % 5 == 0:
            record["priority"] = {"P1": "P4", "P2": "P3", "P3": "P1", "P4": "P2"}[record["priority"]]
        elif i % 5 == 1:
            record["pauses"] = ""
        elif i % 5 == 2 and record.get("resolved"):
            record["resolved"] = ""
            record["closed"] = ""
    edge = next(r for r in changed if r["external_id"] == "EDGE-BEFORE")
    edge["created"] = "2026-03-01 08:00"  # moves across the SLA change
    after, inpass = _both_ways(contract, demo["svc_staff"], changed, monkeypatch)
    assert inpass == after


def test_an_import_still_measures_tickets_an_earlier_one_left_pending(contract, demo, frozen):
    records = _records(contract, count=50, seed=3)
    import_records(contract, demo["svc_staff"], records[:30], external_system="x", compute=False)
    result = import_records(contract, demo["svc_staff"], records[30:], external_system="x")
    assert result.computed == len(records)
    assert not Ticket.objects.filter(computed_at__isnull=True).exists()


def test_rollup_refreshed_once_per_contract_from_the_earliest_created(contracts, demo, frozen, monkeypatch):
    from servicedata.sla import rollup

    calls = []
    monkeypatch.setattr(rollup, "refresh", lambda contract_id, since=None: calls.append((contract_id, since)) or 0)
    hzbank, szmetro = contracts["hzbank"], contracts["szmetro"]
    rows = [{"external_id": "R-1", "priority": "P3", "created": "2026-02-10 09:00"},
            {"external_id": "R-2", "priority": "P3", "created": "2026-03-05 09:00"}]
    user = demo["svc_staff"]
    import_records(hzbank, user, rows, external_system="r")
    assert calls == [(hzbank.pk, datetime(2026, 2, 10, 1, 0, tzinfo=UTC))]

    calls.clear()
    import_records(hzbank, user, rows, external_system="r")  # unchanged: nothing written, nothing refreshed
    assert calls == []

    # R-1 moves later: its rollup months from its old `created` on must be counted again.
    import_records(hzbank, user, [dict(rows[0], created="2026-03-20 09:00"), rows[1]], external_system="r")
    assert calls == [(hzbank.pk, datetime(2026, 2, 10, 1, 0, tzinfo=UTC))]

    # R-2 imported into another contract moves there: both contracts are refreshed, each from its own month.
    calls.clear()
    import_records(szmetro, user, [dict(rows[1], created="2026-03-25 09:00")], external_system="r")
    assert sorted(calls) == sorted([(szmetro.pk, datetime(2026, 3, 25, 1, 0, tzinfo=UTC)),
                                    (hzbank.pk, datetime(2026, 3, 5, 1, 0, tzinfo=UTC))])
    assert Ticket.objects.get(external_id="R-2").contract_id == szmetro.pk


def _peak(path, contract, user, system):
    from core.context import acting_as
    from servicedata.columns import open_ticket_reader
    from servicedata.importer import TicketImport

    tracemalloc.start()
    tracemalloc.reset_peak()
    with open(path, "rb") as handle, acting_as(user):
        result = TicketImport(contract, user, external_system=system).run(open_ticket_reader("csv", handle).rows)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.created == result.total == result.computed and not result.rejected
    return peak


def test_import_with_clocks_keeps_memory_bounded(contract, demo, tmp_path):
    """Measuring in the write pass keeps the import's memory set by the batch, not by the file."""
    small, large = tmp_path / "20k.csv", tmp_path / "100k.csv"
    write_csv(small, generate_tickets(contract, 20_000, 1, months=12))
    write_csv(large, generate_tickets(contract, 100_000, 2, months=12))
    peak_small = _peak(small, contract, demo["svc_staff"], "small")
    peak_large = _peak(large, contract, demo["svc_staff"], "large")
    assert not Ticket.objects.filter(external_system="large", computed_at__isnull=True).exists()
    assert peak_large < peak_small * 1.25 + 1_000_000, (peak_small, peak_large)
    assert peak_large < 40_000_000
