"""The built-in import profiles against sample files written from each tool's documentation
(servicedata/tests/samples: real column names, value codes and date formats).

For each sample: the profile is recognised from the file's header, the file imports to the tickets listed below
by hand (ids, priorities, kinds, statuses, times in Beijing time), and the SLA figures the engine computes equal
an independent minute-by-minute recount (brute_force.py: Monday-Friday 09:00-12:00 and 13:00-18:00 Asia/Shanghai,
the demo 宁波第一医院 contract's calendar; March 2026 has no holiday) against the contract's targets.
"""

import dataclasses
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalog.choices import Priority
from core.context import acting_as
from servicedata import sla
from servicedata.choices import ConnectorKind, TicketKind, TicketStatus
from servicedata.columns import COLUMNS
from servicedata.importer import TicketImport
from servicedata.intake import builtin
from servicedata.intake.spec import EXCLUDE, EXCLUDED, ORIGINAL
from servicedata.models import Ticket

from .brute_force import business_minutes, due_instant

SAMPLES = Path(__file__).with_name("samples")
BJ = ZoneInfo("Asia/Shanghai")
MARCH, APRIL = datetime(2026, 3, 1, tzinfo=BJ), datetime(2026, 4, 1, tzinfo=BJ)
INC, SR = "incident", "service_request"


def t(day, hh, mm=0):
    return datetime(2026, 3, day, hh, mm, tzinfo=BJ)


# key: (sample file, ids the profile excludes, tickets as they must be stored:
#       (id, priority, kind, status, created, first response, resolved, closed, pauses))
EXPECTED = {
    "servplan": ("servplan.csv", [], [
        ("SP-1", "P1", INC, "resolved", t(2, 9), t(2, 9, 20), t(2, 15), None, []),
        ("SP-2", "P2", SR, "resolved", t(9, 10), t(9, 10, 30), t(12, 10), None, [(t(10, 9), t(11, 18))]),
        ("SP-3", "P3", INC, "new", t(16, 9), None, None, None, []),
    ]),
    # Close before resolve in INC0010002, -05 and -11: the profile's rule takes the close time as the resolve time.
    "servicenow-table": ("servicenow-table.csv", ["INC0010004", "INC0010008"], [
        ("INC0010001", "P1", INC, "closed", t(2, 9), t(2, 9, 20), t(2, 15), t(5, 15), []),
        ("INC0010002", "P2", INC, "closed", t(2, 11, 50), t(2, 13, 15), t(3, 10, 30), t(3, 10, 30), []),
        ("INC0010003", "P3", INC, "resolved", t(4, 17, 50), t(5, 9, 30), t(5, 14), None, []),
        ("INC0010005", "P4", INC, "closed", t(9, 10), t(9, 10, 30), t(12, 9), t(12, 9), []),
        ("INC0010006", "P3", INC, "in_progress", t(16, 9), t(16, 9, 40), None, None, []),
        ("INC0010007", "P2", INC, "pending", t(17, 14), t(17, 14, 30), None, None, []),
        ("INC0010009", "P1", INC, "resolved", t(18, 10), t(18, 10, 10), t(18, 16, 30), None, []),
        ("INC0010010", "P4", INC, "new", t(19, 16), None, None, None, []),
        ("INC0010011", "P3", INC, "closed", t(20, 9, 15), t(20, 11), t(20, 17), t(20, 17), []),
        ("INC0010012", "P2", INC, "closed", t(25, 9), t(25, 9, 45), t(25, 17), t(27, 9), []),
    ]),
    # Times in UTC in the file (8 hours behind); INC0020001 closed before it was resolved: repaired.
    "servicenow-rest": ("servicenow-rest.json", ["INC0020003"], [
        ("INC0020001", "P1", INC, "closed", t(3, 9), t(3, 9, 15), t(3, 13, 30), t(3, 13, 30), []),
        ("INC0020002", "P3", INC, "resolved", t(10, 14, 30), t(10, 15), t(11, 10), None, []),
        ("INC0020004", "P4", INC, "in_progress", t(12, 16), t(12, 16, 30), None, None, []),
        ("INC0020005", "P2", INC, "closed", t(13, 9, 30), t(13, 9, 40), t(13, 17), t(16, 10), []),
    ]),
    "jira-csv": ("jira-csv.csv", ["ITSD-104"], [
        ("ITSD-101", "P1", INC, "resolved", t(2, 9), t(2, 9, 20), t(2, 15), None, []),
        ("ITSD-102", "P3", SR, "closed", t(3, 14), t(3, 15), t(5, 11, 30), None, []),
        ("ITSD-103", "P2", INC, "pending", t(9, 10, 15), t(9, 10, 45), None, None, []),
        ("ITSD-105", "P4", INC, "closed", t(11, 16, 30), t(11, 17), t(12, 10), None, []),
    ]),
    # SD-201: first response from the SLA field's completed cycle; SD-202 and SD-203 from the changelog, with
    # their waiting for the customer as pauses (SD-203 still waiting).
    "jira-rest": ("jira-rest.json", ["SD-204"], [
        ("SD-201", "P2", INC, "resolved", t(3, 10), t(3, 10, 30), t(3, 16), None, []),
        ("SD-202", "P3", SR, "closed", t(9, 9), t(9, 11), t(12, 15), None, [(t(10, 9), t(11, 13))]),
        ("SD-203", "P4", INC, "pending", t(17, 14), t(17, 15, 30), None, None, [(t(18, 10), None)]),
    ]),
    # First response = creation + "First reply time in minutes"; 3103 has no priority: the profile's default P3.
    "zendesk-csv": ("zendesk-csv.csv", ["3104"], [
        ("3101", "P2", INC, "resolved", t(2, 10), t(2, 10, 25), t(2, 14), None, []),
        ("3102", "P1", INC, "closed", t(4, 9, 30), t(4, 9, 40), t(4, 11, 30), None, []),
        ("3103", "P3", SR, "in_progress", t(5, 15), t(5, 17), None, None, []),
        ("3105", "P4", SR, "resolved", t(10, 13, 30), t(10, 14, 15), t(11, 16), None, []),
    ]),
    "glpi-csv": ("glpi-csv.csv", [], [
        ("4101", "P1", INC, "closed", t(2, 9, 30), t(2, 9, 45), t(2, 12), t(4, 10), []),
        ("4102", "P3", SR, "resolved", t(3, 13), t(3, 14), t(4, 16), None, []),
        ("4103", "P2", INC, "pending", t(10, 10), t(10, 10, 20), None, None, []),
        ("4104", "P4", SR, "in_progress", t(12, 9), t(12, 9, 30), None, None, []),
        ("4105", "P1", INC, "closed", t(13, 16), t(13, 16, 5), t(13, 17, 30), t(16, 15), []),
    ]),
    # The search output (keys are search option ids: 2 id, 1 title, 12 status, 3 priority, 14 type, 15 opened,
    # 17 solved, 16 closed, 19 last update) has no first response.
    "glpi-rest": ("glpi-rest.json", [], [
        ("5101", "P3", INC, "closed", t(2, 14), None, t(3, 10), t(5, 9), []),
        ("5102", "P4", SR, "resolved", t(9, 9), None, t(9, 15), None, []),
        ("5103", "P1", INC, "in_progress", t(18, 11), None, None, None, []),
        ("5104", "P2", INC, "pending", t(19, 10), None, None, None, []),
    ]),
    # Ticket objects: takeintoaccountdate is the first response (5203's is MySQL's zero date: none).
    "glpi-rest-tickets": ("glpi-rest-tickets.json", [], [
        ("5201", "P3", INC, "closed", t(23, 9), t(23, 9, 40), t(23, 16), t(25, 9), []),
        ("5202", "P2", SR, "in_progress", t(24, 15), t(24, 15, 20), None, None, []),
        ("5203", "P1", INC, "closed", t(26, 10, 30), None, t(26, 16), t(26, 17), []),
    ]),
    "itop-csv": ("itop-csv.csv", [], [
        ("R-000201", "P1", INC, "closed", t(3, 9), t(3, 9, 10), t(3, 11), t(5, 9), []),
        ("R-000202", "P3", SR, "resolved", t(5, 14), t(5, 15, 30), t(6, 10), None, []),
        ("R-000203", "P2", INC, "pending", t(10, 11), t(10, 11, 20), None, None, []),
        ("R-000204", "P4", INC, "in_progress", t(16, 16), t(17, 9, 30), None, None, []),
    ]),
    # Times in UTC ("...Z"); close_at is when the ticket was solved.
    "zammad-rest": ("zammad-rest.json", ["26064"], [
        ("26061", "P2", INC, "closed", t(2, 9), t(2, 9, 20), t(2, 14), None, []),
        ("26062", "P3", INC, "in_progress", t(4, 13), t(4, 14, 30), None, None, []),
        ("26063", "P4", INC, "pending", t(9, 9), t(9, 10), None, None, []),
    ]),
    # GB18030, "2026/3/3 14:05" and "2026-03-10" dates, "0000-00-00 00:00:00" for no date.
    "zentao-csv": ("zentao-csv.csv", [], [
        ("1", "P1", INC, "closed", t(2, 9), t(2, 9, 15), t(2, 11, 30), t(3, 9), []),
        ("2", "P3", SR, "resolved", t(3, 14, 5), t(3, 15), t(4, 10), None, []),
        ("3", "P2", INC, "in_progress", datetime(2026, 3, 10, tzinfo=BJ), t(10, 9, 30), None, None, []),
        ("4", "P4", INC, "new", t(16, 16, 20), None, None, None, []),
    ]),
}
PROFILE_OF = {"glpi-rest-tickets": "glpi-rest"}
# Rows the profile's rules repair (ServiceNow: close before resolve, the close time taken as the resolve time).
REPAIRED = {"servicenow-table": ["INC0010002", "INC0010005", "INC0010011"], "servicenow-rest": ["INC0020001"]}


def profile_of(sample):
    return builtin.get(PROFILE_OF.get(sample, sample))


def sample_file(sample):
    name = EXPECTED[sample][0]
    return SAMPLES / name, name.rsplit(".", 1)[1]


# ---- the profiles themselves -----------------------------------------------------------------------------------


def test_every_built_in_is_complete():
    keys = [spec.key for spec in builtin.all()]
    assert keys[:11] == ["servplan", "servicenow-table", "servicenow-rest", "jira-csv", "jira-rest", "zendesk-csv",
                         "glpi-csv", "glpi-rest", "itop-csv", "zammad-rest", "zentao-csv"]
    codes = {"priority": set(Priority.values), "status": set(TicketStatus.values), "kind": set(TicketKind.values)}
    for spec in builtin.all():
        path = builtin.FOLDER / f"{spec.key}.json"
        assert json.loads(path.read_text(encoding="utf-8"))["key"] == spec.key
        assert spec.name and spec.docs and spec.signature and spec.tool and spec.format in ("csv", "xlsx", "json")
        assert {"external_id", "created"} <= set(spec.columns) and ("priority" in spec.columns)
        for field, mapping in spec.values.items():
            assert set(mapping.values()) <= codes[field] | {EXCLUDE}, (spec.key, field)
        assert builtin.get(spec.key) is spec
    assert builtin.choices()[1] == ("servicenow-table", "ServiceNow incident export (CSV/XLSX)")
    with pytest.raises(KeyError):
        builtin.get("nonesuch")


def test_servplan_profile_reads_servplan_columns():
    assert {f: tuple(c) for f, c in builtin.get("servplan").columns.items()} == COLUMNS


def test_each_connector_has_its_rest_profile():
    assert {kind: builtin.for_connector(kind).key for kind in ConnectorKind.values} == {
        "servicenow": "servicenow-rest", "jira": "jira-rest", "glpi": "glpi-rest", "zammad": "zammad-rest"}
    assert all(builtin.for_connector(kind).format == "json" for kind in ConnectorKind.values)


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_is_recognised_from_its_header(sample):
    path, fmt = sample_file(sample)
    with open(path, "rb") as fileobj:
        assert builtin.sniff(fmt, fileobj).key == profile_of(sample).key
        assert fileobj.tell() == 0


# ---- reading each sample ---------------------------------------------------------------------------------------


def read_sample(sample):
    path, fmt = sample_file(sample)
    data = path.read_bytes()
    reader = profile_of(sample).open_reader(fmt, io.BytesIO(data), len(data))
    return reader, list(reader.rows())


def local(value):
    """A time as read (aware, or naive = the contract calendar's zone) in Beijing time."""
    if value is None:
        return None
    return value.astimezone(BJ) if value.tzinfo else value.replace(tzinfo=BJ)


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_reads_to_the_listed_values(sample):
    """What the reader hands the normaliser: the stored values, except what the normaliser and the rules still do
    (a ServiceNow close-before-resolve repair; a missing resolution time taken from the close time)."""
    _name, excluded, tickets = EXPECTED[sample]
    _reader, records = read_sample(sample)
    assert [str(r["external_id"]) for _n, r in records if EXCLUDED in r] == excluded
    kept = [r for _n, r in records if EXCLUDED not in r]
    assert [str(r["external_id"]) for r in kept] == [row[0] for row in tickets]
    for record, (_id, priority, kind, status, created, responded, resolved, closed, pauses) in zip(
            kept, tickets, strict=True):
        assert record["priority"] == priority
        assert record.get("kind", "incident") == kind
        assert record.get("status", status) == status
        assert (local(record["created"]), local(record.get("first_response"))) == (created, responded)
        assert local(record.get("closed")) == closed
        read_resolved = local(record.get("resolved"))
        assert read_resolved == resolved or (closed is not None and resolved == closed), record[ORIGINAL]
        assert [(local(s), local(e)) for s, e in record.get("pauses") or []] == pauses
        assert record[ORIGINAL]["external_id"] == record["external_id"]


# ---- importing each sample, and its SLA figures ----------------------------------------------------------------


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


def import_sample(sample, contract, user, spec=None):
    path, fmt = sample_file(sample)
    spec = spec or profile_of(sample)
    with open(path, "rb") as fileobj, acting_as(user):
        reader = spec.open_reader(fmt, fileobj, path.stat().st_size)
        return TicketImport(contract, user, spec=spec).run(reader.rows, name=path.name, sha256="sample",
                                                             ignored_columns=lambda: reader.ignored_columns)


def recount(ticket_row, targets):
    """(response minutes or None, met, decided), (resolution minutes or None, met, decided) by brute force.

    decided: when the clock's outcome was settled (the response or resolution if in time, else its due
    instant); None when it is not settled (an open pause holds the resolution clock)."""
    _id, priority, _kind, _status, created, responded, resolved, _closed, pauses = ticket_row
    target = targets[priority]
    response = _clock(created, responded, target.response_seconds // 60, ())
    closed_pauses = [(s, e) for s, e in pauses if e is not None]
    open_pause = next((s for s, e in pauses if e is None), None)
    resolution = _clock(created, resolved, target.resolution_seconds // 60, closed_pauses, open_pause)
    return response, resolution


def _clock(start, done, target, pauses, open_pause=None):
    minutes = None if done is None else business_minutes(start, done, pauses)
    met = minutes is not None and minutes <= target
    if met:
        return minutes, True, done
    due = due_instant(start, target, pauses)
    if open_pause is not None and open_pause < due:
        return minutes, False, None  # paused before its due instant, still paused: nothing decided
    return minutes, False, due


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_imports_to_expected_tickets_and_sla_figures(sample, contract, demo):
    _name, excluded, tickets = EXPECTED[sample]
    spec = profile_of(sample)
    result = import_sample(sample, contract, demo["svc_staff"])
    assert not result.rejected, result.errors
    assert (result.created, result.excluded, result.repaired) == (len(tickets), len(excluded),
                                                                 len(REPAIRED.get(sample, ())))
    quality = {}
    if excluded:
        quality["excluded_value"] = {"exclude": len(excluded)}
    if sample in REPAIRED:
        quality["close_before_resolve"] = {"repair": len(REPAIRED[sample])}
    assert result.quality == quality
    stored = {t.external_id: t for t in Ticket.objects.filter(contract=contract, external_system=spec.external_system
                                                              or "import").prefetch_related("pauses")}
    assert sorted(stored) == sorted(row[0] for row in tickets)
    for row in tickets:
        ticket = stored[row[0]]
        assert (ticket.priority, ticket.kind, ticket.status) == row[1:4], row[0]
        assert (ticket.created, ticket.first_response, ticket.resolved, ticket.closed) == row[4:8], row[0]
        assert sorted((p.start, p.end) for p in ticket.pauses.all()) == row[8], row[0]

    targets = sla.sla_for(contract, APRIL.date() - timedelta(days=1)).targets()
    counts = {"response": {}, "resolution": {}}
    for row in tickets:
        ticket = stored[row[0]]
        for name, (minutes, met, decided) in zip(("response", "resolution"), recount(row, targets), strict=True):
            seconds = getattr(ticket, f"{name}_seconds")
            assert seconds == (None if minutes is None else minutes * 60), (row[0], name)
            assert bool(getattr(ticket, f"{name}_met")) == met, (row[0], name)
            if decided is not None and MARCH <= decided < APRIL:
                within, counted = counts[name].get(row[1], (0, 0))
                counts[name][row[1]] = (within + met, counted + 1)
    metrics = sla.period_metrics(contract, 2026, 3)
    for name in ("response", "resolution"):
        figures = {f.priority: (f.within, f.counted) for f in getattr(metrics, name)}
        assert figures == {p: counts[name].get(p, (0, 0)) for p in Priority.values}, name


@pytest.mark.parametrize("sample", sorted(REPAIRED))
def test_without_its_rule_a_servicenow_export_is_refused_whole(sample, contract, demo):
    """Close before resolve is normal in ServiceNow data: without the profile's repair rule (the strict default)
    the file is rejected and nothing is written."""
    spec = dataclasses.replace(profile_of(sample), rules={})
    result = import_sample(sample, contract, demo["svc_staff"], spec)
    assert result.rejected and result.created == 0
    assert sorted(str(e["row"]) for e in result.errors if e["field"] == "closed") == \
        sorted(str(row) for row in rows_of(sample, REPAIRED[sample]))
    assert not Ticket.objects.filter(contract=contract, external_system="servicenow").exists()


def rows_of(sample, ids):
    _reader, records = read_sample(sample)
    return [number for number, record in records if record["external_id"] in ids]


def test_a_saved_rest_response_imports_as_a_sync_with_its_quality_report(contract, demo):
    """What a connector does with a response page: the profile's records of its items, one audited import job;
    the quality report lists each excluded and repaired row with the values as the source gave them."""
    from servicedata import services
    from servicedata.choices import ImportSource, ImportStatus

    spec = builtin.get("servicenow-rest")
    data = json.loads((SAMPLES / "servicenow-rest.json").read_text(encoding="utf-8"))
    with acting_as(demo["svc_staff"]):
        job = services.import_records(contract, demo["svc_staff"], lambda: spec.records(spec.items(data)),
                                      source=ImportSource.SYNC, spec=spec, builtin_profile=spec.key)
    assert job.status == ImportStatus.DONE and (job.excluded_count, job.repaired_count) == (1, 1)
    findings = {(f.row, f.external_id, f.anomaly, f.action): f.original for f in job.findings.all()}
    assert set(findings) == {(3, "INC0020003", "excluded_value", "exclude"),
                             (1, "INC0020001", "close_before_resolve", "repair")}
    assert findings[(3, "INC0020003", "excluded_value", "exclude")]["priority"] == "5"
    repaired = findings[(1, "INC0020001", "close_before_resolve", "repair")]
    assert (repaired["resolved"], repaired["closed"]) == ("2026-03-03 06:00:00", "2026-03-03 05:30:00")
    ticket = Ticket.objects.get(contract=contract, external_id="INC0020001")
    assert ticket.resolved == t(3, 13, 30)


def test_zentao_export_in_gb18030_or_utf8_reads_the_same():
    gb18030 = (SAMPLES / "zentao-csv.csv").read_bytes()
    utf8 = gb18030.decode("gb18030").encode("utf-8-sig")
    spec = builtin.get("zentao-csv")
    read = [list(spec.open_reader("csv", io.BytesIO(data), len(data)).rows()) for data in (gb18030, utf8)]
    assert read[0] == read[1] and read[0][2][1]["summary"] == "会议室投影仪无信号，\r\n换线后仍无信号"
