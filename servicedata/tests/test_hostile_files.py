"""Hostile files (issue 10, point 3): a file that cannot be read, formulas never calculated, and what is only a
warning. Each file goes through every way in (the page, the API, the command) and must end the same: rejected with
a report naming the row and column, or imported with warnings; audited either way."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from core.choices import AuditAction
from core.models import AuditEntry
from core.tabular import FileError, Uncalculated, xlsx_rows
from servicedata.columns import open_ticket_reader
from servicedata.models import ImportJob, Ticket, TicketPause

from .helpers import csv_bytes, import_bytes, import_records, upload

HEADER = ["external_id", "priority", "created", "first_response", "resolved", "summary", "category", "pauses"]
TICKET = {"priority": "P2", "created": "2026-03-02 09:00", "first_response": "2026-03-02 09:20",
          "resolved": "2026-03-02 15:00", "summary": "打印机无法打印", "category": "硬件故障"}


def tickets(count, start=1):
    return [dict(TICKET, external_id=f"INC-{n}") for n in range(start, start + count)]


# ---- the files: (name, bytes) and the row and column the report must name -----------------------------------

def field_over_the_csv_limit():
    rows = tickets(2) + [dict(TICKET, external_id="INC-3", summary="x" * (csv.field_size_limit() + 1))]
    return "long.csv", csv_bytes(rows, HEADER), 4, "summary"


def undecodable_bytes_after_64_kb():
    data = csv_bytes(tickets(1000), HEADER)
    assert len(data) > 65536  # the encoding is guessed from the first 64 KB: these are fine UTF-8
    bad = b"\r\nINC-1001,P2,2026-03-02 09:00,,,ok,\xff\xfe\xfa,\r\n"
    return "tail.csv", data.rstrip(b"\r\n") + bad, 1002, "category"


def undecodable_bytes_early():
    """Past the 4 KB the upload check reads, within the first block the reader decodes: reading stops before the
    header was read."""
    data = csv_bytes(tickets(60), HEADER)
    at = data.rindex("硬件故障".encode())
    assert 4096 < at < 8192
    return "early.csv", data[:at] + b"\xff" + data[at:], 61, "category"


def formulas_never_calculated():
    """A workbook written by openpyxl, which stores formulas without their results (Excel would store both)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["INC-1", "P2", "2026-03-02 09:00", "2026-03-02 09:20", "2026-03-02 15:00", "ok", "", ""])
    sheet.append(["INC-2", "P2", "2026-03-02 09:00", '=C3&""', "2026-03-02 15:00", "ok", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return "formulas.xlsx", buffer.getvalue(), 3, "first_response"


UNREADABLE = [field_over_the_csv_limit, undecodable_bytes_after_64_kb, undecodable_bytes_early,
              formulas_never_calculated]
MESSAGES = {field_over_the_csv_limit: "longer than", undecodable_bytes_after_64_kb: "not UTF-8",
            undecodable_bytes_early: "not UTF-8", formulas_never_calculated: "formulas that were never calculated"}


# ---- the ways in: each returns what the user is shown --------------------------------------------------------

@dataclass
class Outcome:
    status: str  # "done" or "rejected"
    shown: str  # the page, the API answer, or the command's output
    errors: list | None  # the report, where the way in has one (the page and the API)
    warnings: list | None

    @property
    def named(self):
        """The (row, field) pairs the user is shown: in the page's report tables, the API's report entries, or
        as "row 4, summary:" in a message."""
        found = set()
        for pattern in (r"<tr><td>(\d+)</td><td><code>([^<]*)</code>", r'"row":(\d+),"field":"([^"]*)"',
                        r"\brow (\d+)(?:, (\w+))?:"):
            found |= {(int(row), field) for row, field in re.findall(pattern, self.shown)}
        return found


def through_page(client, contract, name, data):
    response = client.post(reverse("servicedata:contract_import", args=[contract.pk]),
                           {"file": upload(name, data), "external_system": "page"}, follow=True)
    job = ImportJob.objects.get(name=name)
    shown = response.content.decode() + client.get(job.get_absolute_url()).content.decode()
    return Outcome(job.status, shown, job.errors, job.warnings)


def through_api(client, contract, name, data):
    response = client.post("/api/servicedata/import-jobs/", {"contract": contract.pk, "file": upload(name, data),
                                                              "external_system": "api"})
    assert response.status_code == 202, response.content
    answer = client.get(f"/api/servicedata/import-jobs/{response.json()['id']}/")
    job = answer.json()
    return Outcome(job["status"], answer.content.decode(), job["errors"], job["warnings"])


def through_command(contract, name, data, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_service_data", str(path), "--contract", str(contract.pk), "--system", "cmd",
                     stdout=out, stderr=err)
        status = "done"
    except SystemExit as exit_:
        assert exit_.code == 1
        status = "rejected"
    return Outcome(status, out.getvalue() + err.getvalue(), None, None)


@pytest.fixture(params=["page", "api", "command"])
def send(request, contracts, client_for, tmp_path):
    client, contract = client_for("svc_staff"), contracts["nbhospital"]
    if request.param == "command":
        return lambda name, data: through_command(contract, name, data, tmp_path)
    way = {"page": through_page, "api": through_api}[request.param]
    return lambda name, data: way(client, contract, name, data)


def audit_entry(contract, name):
    return AuditEntry.objects.get(action=AuditAction.BULK, changes__contract=contract.pk, changes__file=name)


# ---- unreadable files and uncalculated formulas: rejected, reported, audited --------------------------------

@pytest.mark.parametrize("make", UNREADABLE, ids=lambda make: make.__name__)
def test_an_unreadable_file_is_rejected_with_its_row_and_column(make, send, contracts):
    name, data, row, field = make()
    before = Ticket.objects.count()  # the demo company has tickets of its own
    outcome = send(name, data)
    assert outcome.status == "rejected"
    assert (row, field) in outcome.named, outcome.shown[-3000:]
    assert MESSAGES[make] in outcome.shown
    if outcome.errors is not None:
        assert [(e["row"], e["field"]) for e in outcome.errors] == [(row, field)]
    assert Ticket.objects.count() == before
    entry = audit_entry(contracts["nbhospital"], name)
    assert entry.changes["rejected"] is True and f"row {row}, {field}:" in entry.comment, entry.comment


def test_the_formula_message_says_what_to_do(contracts, demo):
    _name, data, _row, _field = formulas_never_calculated()
    result = import_bytes(contracts["nbhospital"], demo["svc_staff"], data, fmt="xlsx")
    message = result.errors[0]["message"]
    assert "D3" in message and "open and save it in Excel" in message and "export values" in message


def test_a_formula_excel_calculated_is_read_as_its_value():
    """Excel stores a formula with its result: the result is read; only a formula without one is refused."""
    _name, data, _row, _field = formulas_never_calculated()
    assert isinstance(dict(xlsx_rows(io.BytesIO(data)))[3][3], Uncalculated)
    assert dict(xlsx_rows(io.BytesIO(as_excel_saves_it(data))))[3][3] == "2026-03-02 09:00"


def as_excel_saves_it(data):
    """The openpyxl workbook with its formula's result stored beside it, as Excel saves a workbook."""
    formula = b'<c r="D3"><f>C3&amp;""</f><v></v></c>'

    def calculated(xml):
        assert formula in xml
        return xml.replace(formula, b'<c r="D3" t="str"><f>C3&amp;""</f><v>2026-03-02 09:00</v></c>')

    return rewritten_sheet(data, calculated)


def rewritten_sheet(data, change):
    """The workbook with its first sheet's XML passed through change (bytes -> bytes)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, change(content) if item.filename == "xl/worksheets/sheet1.xml" else content)
    return out.getvalue()


def not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


@pytest.mark.parametrize("fmt, data, row, field", [
    ("json", b'{"id": "A", "priority": "P1", "created": "2026-03-02"}\n{"id": "B", "summary": "\xff"}\n', 2, "summary"),
    ("json", b'[{"id": "A", "priority": "P1", "created": "2026-03-02"}, {"category": "\xfe\xff"}]', 2, "category"),
    ("xlsx", rewritten_sheet(formulas_never_calculated()[1], lambda xml: xml[:xml.index(b'<row r="3"') + 30]), 3, ""),
    ("xlsx", not_a_workbook(), 1, ""),
], ids=["json lines", "json array", "worksheet broken off", "not a workbook"])
def test_every_reader_turns_an_unreadable_file_into_a_report(fmt, data, row, field):
    with pytest.raises(FileError) as caught:
        list(open_ticket_reader(fmt, io.BytesIO(data), len(data)).rows())
    assert (caught.value.row, caught.value.field) == (row, field), caught.value.message


# ---- warnings: imported, and said ---------------------------------------------------------------------------

def test_a_pause_wholly_outside_its_ticket_is_a_warning(send, contracts):
    rows = [dict(TICKET, external_id="INC-1", pauses="2026-03-03 09:00/2026-03-03 10:00"),  # after resolution
            dict(TICKET, external_id="INC-2", pauses="2026-03-01 09:00/2026-03-01 10:00"),  # before creation
            dict(TICKET, external_id="INC-3", pauses="2026-03-02 10:00/2026-03-02 11:00")]  # inside: no warning
    before = Ticket.objects.count(), TicketPause.objects.count()
    outcome = send("pauses.csv", csv_bytes(rows, HEADER))
    assert outcome.status == "done"
    assert {(2, "pauses"), (3, "pauses")} <= outcome.named and (4, "pauses") not in outcome.named, outcome.shown
    assert "outside" in outcome.shown
    if outcome.warnings is not None:
        assert [(w["row"], w["field"]) for w in outcome.warnings] == [(2, "pauses"), (3, "pauses")]
        assert outcome.errors == []
    assert (Ticket.objects.count() - before[0], TicketPause.objects.count() - before[1]) == (3, 3)
    entry = audit_entry(contracts["nbhospital"], "pauses.csv")
    assert entry.changes["warnings"] == 2 and entry.changes["created"] == 3


def test_a_pause_outside_its_ticket_does_not_count(contracts, demo):
    outside = dict(TICKET, external_id="INC-1", pauses="2026-03-03 09:00/2026-03-03 10:00")
    result = import_records(contracts["nbhospital"], demo["svc_staff"], [outside, dict(TICKET, external_id="INC-2")])
    assert not result.rejected and [w["row"] for w in result.warnings] == [1]
    first, second = Ticket.objects.filter(external_system="import").order_by("external_id")
    assert first.resolution_seconds == second.resolution_seconds is not None


def test_a_pause_that_starts_before_creation_and_runs_into_the_ticket_is_still_an_error(contracts, demo):
    straddling = dict(TICKET, external_id="INC-1", pauses="2026-03-01 09:00/2026-03-02 10:00")
    result = import_records(contracts["nbhospital"], demo["svc_staff"], [straddling])
    assert result.rejected and result.errors[0]["field"] == "pauses"


def test_a_header_only_file_is_a_warning(send, contracts):
    before = Ticket.objects.count()
    outcome = send("empty.csv", csv_bytes([], HEADER))
    assert outcome.status == "done"
    assert (1, "") in outcome.named, outcome.shown[-3000:]
    assert "no data rows" in outcome.shown
    if outcome.warnings is not None:
        assert [(w["row"], w["message"]) for w in outcome.warnings] == [
            (1, "The file has no data rows below its header: nothing was imported.")]
    assert Ticket.objects.count() == before
    assert audit_entry(contracts["nbhospital"], "empty.csv").changes["warnings"] == 1


def test_pushed_tickets_get_their_warnings_in_the_answer(contracts, client_for):
    response = client_for("svc_staff").post("/api/servicedata/tickets/", {
        "contract": contracts["nbhospital"].pk, "external_system": "itsm",
        "tickets": [dict(TICKET, external_id="INC-1", pauses=[{"start": "2026-03-03T09:00:00+08:00",
                                                                "end": "2026-03-03T10:00:00+08:00"}])]},
        content_type="application/json")
    assert response.status_code == 200, response.content
    assert [(w["row"], w["field"]) for w in response.json()["warnings"]] == [(1, "pauses")]
