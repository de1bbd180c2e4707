"""Ticket import: idempotent, all-or-nothing, precise error reports, all formats, bounded memory."""

import io
import json
import tracemalloc

import pytest
from openpyxl import Workbook

from core.choices import AuditAction
from core.models import AuditEntry
from servicedata.generator import FIELDS, generate_tickets
from servicedata.models import Ticket, TicketPause

from .helpers import csv_bytes, import_bytes, import_records

GOOD = [
    {"external_id": "INC-1", "priority": "P1", "kind": "事件", "created": "2026-03-02 09:00",
     "first_response": "2026-03-02 09:20", "resolved": "2026-03-02 15:00", "category": "硬件故障"},
    {"external_id": "INC-2", "priority": "P3", "kind": "incident", "created": "2026-03-02 10:00",
     "first_response": "2026-03-02 10:30", "category": "网络故障",
     "pauses": "2026-03-02T11:00:00+08:00/2026-03-02T14:00:00+08:00"},
    {"external_id": "REQ-3", "priority": "低", "kind": "服务请求", "created": "2026/3/3 9:05",
     "first_response": "2026-03-03 09:10", "resolved": "2026-03-03 09:40", "closed": "2026-03-04 09:00",
     "category": "账号权限"},
]


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


def test_import_then_reimport_changes_nothing(contract, demo):
    data = csv_bytes(GOOD)
    first = import_bytes(contract, demo["svc_staff"], data, external_system="itsm")
    assert (first.total, first.created, first.updated, first.unchanged) == (3, 3, 0, 0)
    assert first.computed == 3
    assert TicketPause.objects.filter(ticket__external_id="INC-2").count() == 1
    snapshot = list(Ticket.objects.order_by("pk").values())

    again = import_bytes(contract, demo["svc_staff"], data, external_system="itsm")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Ticket.objects.order_by("pk").values()) == snapshot  # not even `updated` moved

    # One audit entry per import, with the counts and the file's digest.
    entries = AuditEntry.objects.filter(action=AuditAction.BULK, changes__contract=contract.pk).order_by("seq")
    assert [e.changes["created"] for e in entries] == [3, 0]
    assert entries.last().changes["unchanged"] == 3 and entries.last().changes["sha256"] == "x"


def test_changed_row_updates_its_ticket(contract, demo):
    import_bytes(contract, demo["svc_staff"], csv_bytes(GOOD))
    changed = [dict(GOOD[0], resolved="2026-03-02 16:00"), GOOD[1] | {"pauses": ""}, GOOD[2]]
    result = import_bytes(contract, demo["svc_staff"], csv_bytes(changed))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    ticket = Ticket.objects.get(external_id="INC-1")
    assert ticket.resolved.hour == 8  # 16:00 Beijing = 08:00 UTC
    assert ticket.computed_at is not None  # its clocks were measured again
    assert not TicketPause.objects.filter(ticket__external_id="INC-2").exists()


def test_bad_row_rejects_the_whole_file_with_row_and_field(contract, demo):
    rows = GOOD + [{"external_id": "INC-9", "priority": "P2", "created": "2026-03-05 9:61"}]
    result = import_bytes(contract, demo["svc_staff"], csv_bytes(rows))
    assert result.rejected and result.created == 0
    assert not Ticket.objects.filter(contract=contract).exists()
    assert result.errors == [{"row": 5, "field": "created", "message": result.errors[0]["message"],
                              "value": "2026-03-05 9:61"}]
    assert "2026-03-05 9:61" in result.errors[0]["message"]
    entry = AuditEntry.objects.get(action=AuditAction.BULK, changes__contract=contract.pk)
    assert entry.changes["rejected"] is True and entry.changes["created"] == 0


def test_unknown_priority(contract, demo):
    rows = [GOOD[0], dict(GOOD[1], priority="P7")]
    result = import_bytes(contract, demo["svc_staff"], csv_bytes(rows))
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "priority")]
    assert "P7" in result.errors[0]["message"]
    assert not Ticket.objects.filter(contract=contract).exists()


def test_duplicate_ids_in_one_file(contract, demo):
    rows = [GOOD[0], GOOD[1], dict(GOOD[2], external_id="INC-1")]
    result = import_bytes(contract, demo["svc_staff"], csv_bytes(rows))
    assert [(e["row"], e["field"]) for e in result.errors] == [(4, "external_id")]
    assert "row 2" in result.errors[0]["message"]
    assert not Ticket.objects.filter(contract=contract).exists()


def test_resolved_before_created_and_other_checks(contract, demo):
    rows = [
        dict(GOOD[0], resolved="2026-03-01 08:00"),                         # row 2: resolved before created
        dict(GOOD[1], first_response="2026-03-02 09:00"),                   # row 3: response before created
        dict(GOOD[2], external_id="", kind="问题"),                          # row 4: missing id, unknown kind
        {"external_id": "X-4", "priority": "P1", "created": ""},           # row 5: created missing
        {"external_id": "X-5", "priority": "P1", "created": "2026-03-02 10:00",
         "pauses": "2026-03-02 12:00/2026-03-02 11:00"},                   # row 6: pause ends before it starts
    ]
    result = import_bytes(contract, demo["svc_staff"], csv_bytes(rows))
    assert [(e["row"], e["field"]) for e in result.errors] == [
        (2, "resolved"), (3, "first_response"), (4, "external_id"), (4, "kind"), (5, "created"), (6, "pauses")]
    assert not Ticket.objects.filter(contract=contract).exists()


def test_missing_required_column_is_reported_on_the_header(contract, demo):
    data = "工单号,创建时间\nA-1,2026-03-02 09:00\n".encode()
    result = import_bytes(contract, demo["svc_staff"], data)
    assert result.errors[0]["row"] == 1 and result.errors[0]["field"] == "priority"


def test_chinese_headers_xlsx_and_json(contract, demo):
    book = Workbook()
    sheet = book.active
    sheet.append(["工单号", "优先级", "类型", "创建时间", "首次响应时间", "解决时间", "分类", "备注"])
    from datetime import datetime

    sheet.append(["X-1", "P2", "变更", datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 9, 40), None, "软件问题", "n"])
    sheet.append(["X-2", "中", "事件", "2026-03-02 10:00", None, None, "数据库", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_bytes(contract, demo["svc_staff"], buffer.getvalue(), fmt="xlsx")
    assert (result.created, result.error_count) == (2, 0)
    assert result.ignored_columns == ["备注"]
    assert Ticket.objects.get(external_id="X-1").kind == "change"

    array = json.dumps([{"工单号": "J-1", "priority": "P4", "created": "2026-03-02T09:00:00+08:00",
                         "pauses": [{"start": "2026-03-02T10:00:00+08:00", "end": None}]},
                        {"external_id": "J-2", "优先级": "P1", "created": "2026-03-02 11:00"}],
                       ensure_ascii=False).encode()
    assert import_bytes(contract, demo["svc_staff"], array, fmt="json").created == 2
    assert TicketPause.objects.get(ticket__external_id="J-1").end is None
    lines = b'{"external_id": "L-1", "priority": "P3", "created": "2026-03-02 09:00"}\n\n' \
            b'{"external_id": "L-2", "priority": "oops", "created": "2026-03-02 09:00"}\n'
    result = import_bytes(contract, demo["svc_staff"], lines, fmt="json")
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "priority")]


def test_json_array_streams_across_chunks(contract, demo, monkeypatch):
    from core.tabular import JsonReader

    monkeypatch.setattr(JsonReader, "CHUNK", 7)  # objects cut at every possible place
    items = [{"external_id": f"C-{i}", "priority": "P3", "created": "2026-03-02 09:00", "category": "网络故障"}
             for i in range(40)]
    result = import_bytes(contract, demo["svc_staff"], json.dumps(items, ensure_ascii=False).encode(), fmt="json")
    assert (result.created, result.error_count) == (40, 0)


def _csv_file(path, contract, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for record in generate_tickets(contract, rows, seed=rows, months=3):
            writer.writerow(record)


def _peak(path, contract, user, system):
    from core.context import acting_as
    from servicedata.columns import open_ticket_reader
    from servicedata.importer import TicketImport

    tracemalloc.start()
    tracemalloc.reset_peak()
    with open(path, "rb") as handle, acting_as(user):
        reader = open_ticket_reader("csv", handle)
        result = TicketImport(contract, user, external_system=system, compute=False).run(reader.rows, name=path.name)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.created == result.total and not result.rejected
    return peak, result.total


def test_100k_rows_import_with_bounded_memory(contract, demo, tmp_path):
    """Peak Python memory is set by the batch, not the file: 5x the rows, about the same peak."""
    small, large = tmp_path / "20k.csv", tmp_path / "100k.csv"
    _csv_file(small, contract, 20_000)
    _csv_file(large, contract, 100_000)
    peak_small, _ = _peak(small, contract, demo["svc_staff"], "small")
    peak_large, total = _peak(large, contract, demo["svc_staff"], "large")
    assert total == 100_000 and Ticket.objects.filter(external_system="large").count() == 100_000
    # Only 8 bytes per row stay in memory (duplicate detection): 80k more rows may add ~0.7 MB.
    assert peak_large < peak_small * 1.25 + 1_000_000, (peak_small, peak_large)
    assert peak_large < 40_000_000


def test_push_records_and_future_times(contract, demo):
    records = [{"external_id": "P-1", "priority": "P2", "created": "2026-03-02 09:00"},
               {"external_id": "P-2", "priority": "P2", "created": "2099-01-01 09:00"}]
    result = import_records(contract, demo["pm"], records)
    assert [(e["row"], e["field"]) for e in result.errors] == [(2, "created")]


@pytest.mark.django_db(transaction=True)
def test_import_with_background_writer(demo, monkeypatch):
    """Outside a transaction the write pass runs its INSERTs on a second connection (BackgroundWriter)."""
    from servicedata.bulk import BackgroundWriter

    from .conftest import demo_contract

    contract = demo_contract("nbhospital")
    records = [{"external_id": f"BG-{i}", "priority": "P3", "created": "2026-03-02 09:00",
                "pauses": "2026-03-02 10:00/2026-03-02 11:00" if i % 3 == 0 else ""} for i in range(120)]
    threaded = []
    original = BackgroundWriter.__init__

    def spy(self, enabled=True):
        threaded.append(enabled)
        original(self, enabled)

    monkeypatch.setattr(BackgroundWriter, "__init__", spy)
    result = import_records(contract, demo["svc_staff"], records, external_system="bg", batch_size=25)
    assert threaded == [True]
    assert (result.created, result.computed) == (120, 120)
    assert TicketPause.objects.filter(ticket__external_system="bg").count() == 40
    again = import_records(contract, demo["svc_staff"], records, external_system="bg", batch_size=25)
    assert again.unchanged == 120
