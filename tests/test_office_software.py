"""Office software as a real client: LibreOffice (headless) opens what ServPlan exports (issue 11, "Files that behave
in office software").

Every record type's DOCX is converted to PDF in one soffice call, and list XLSX files to CSV in another (soffice is
slow to start); the checks read the converted files: text, page count against the footer's "page X of Y" fields,
the header's number and version at the right margin, and list dates as date cells shown as the local date.
LibreOffice gets the shipped Noto Sans SC in its private profile, as an office PC with the font installed.
"""

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from conftest import require
from contracts.models import Contract
from core.exporting import export_record
from core.fonts import ensure_fonts
from core.registry import registry

pytestmark = pytest.mark.django_db
RECORD_TYPES = [t for t in registry if t.implemented]
A4_WIDTH_PT, MARGIN_PT = 595.3, 62.36  # the DOCX page: A4, 2.2 cm side margins


def soffice(workdir: Path, target: str, files: list[Path]) -> Path:
    """Convert `files` with one headless LibreOffice run into workdir/out (a private profile, the shipped font)."""
    tool = shutil.which("soffice") or shutil.which("libreoffice")
    require(tool is not None, "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
                              "libreoffice-calc-nogui")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    profile = workdir / "profile"
    fonts = profile / "user" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for path in ensure_fonts().paths:
        shutil.copy(path, fonts / path.name)
    out = workdir / "out"
    subprocess.run([tool, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", target, "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=300)
    return out


def pdf_tool(name, path, *args):
    return subprocess.run([name, *args, str(path), *(["-"] if name == "pdftotext" else [])], check=True,
                          capture_output=True, timeout=60).stdout.decode()


def sample(record_type):
    """The record of this type a person would most likely send: the latest approved/issued one, else any."""
    model = record_type.model
    frozen = model.objects.filter(status__in=record_type.workflow.frozen_states).order_by("-pk").first()
    return frozen or model.objects.order_by("-pk").first()


@pytest.fixture(scope="module")
def converted_documents(django_db_blocker, tmp_path_factory):
    """{record type code: (record, LibreOffice's PDF of its DOCX)}, converted once for the module."""
    workdir = tmp_path_factory.mktemp("office-docx")
    records = {}
    with django_db_blocker.unblock(), translation.override("zh-hans"):
        for record_type in RECORD_TYPES:
            record = sample(record_type)
            if record is None:
                continue
            path = workdir / f"{record_type.code}.docx"
            path.write_bytes(export_record(record, "docx")[0])
            records[record_type.code] = (record, path)
    out = soffice(workdir, "pdf", [path for _record, path in records.values()])
    return {code: (record, out / f"{code}.pdf") for code, (record, _path) in records.items()}


def test_every_record_type_has_a_document_to_convert(demo, converted_documents):
    assert set(converted_documents) == {t.code for t in RECORD_TYPES}  # the demo has a record of every type


@pytest.mark.parametrize("code", [t.code for t in RECORD_TYPES])
def test_docx_opens_in_libreoffice_with_text_pages_and_header(code, demo, converted_documents):
    record, pdf = converted_documents[code]
    assert pdf.exists(), f"LibreOffice did not convert {code}"
    text = pdf_tool("pdftotext", pdf)
    compact = "".join(text.split())
    for value in (record.number, record.title, "修订记录", "审批签署"):
        assert "".join(value.split()) in compact, (code, value)

    pages = int(re.search(r"Pages:\s+(\d+)", pdf_tool("pdfinfo", pdf)).group(1))
    footers = re.findall(r"第(\d+)页/共(\d+)页", compact)  # the PAGE and NUMPAGES fields, computed by LibreOffice
    assert [(int(p), int(n)) for p, n in footers] == [(n, pages) for n in range(1, pages + 1)]

    # The header: company on the left; number and version on the right, ending at the right margin.
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                       pdf_tool("pdftotext", pdf, "-bbox", "-f", "1", "-l", "1"))
    top = min(float(y) for _x, y, _x2, _w in words)
    header = [(float(x), float(x2), w) for x, y, x2, w in words if abs(float(y) - top) < 2]
    number = next(x for x, _x2, w in header if w.startswith("文件编号"))
    assert number > A4_WIDTH_PT / 2, header  # not centred mid-header
    assert abs(max(x2 for _x, x2, _w in header) - (A4_WIDTH_PT - MARGIN_PT)) < 3, header
    assert any(f"V{record.version}" in w for _x, _x2, w in header)


def test_list_xlsx_dates_are_date_cells_libreoffice_shows_as_local_dates(demo, client_for, tmp_path):
    client = client_for("sales", "zh-hans")
    content = client.get("/contracts/contract/", {"export": "xlsx"}).getvalue()
    path = tmp_path / "contracts.xlsx"
    path.write_bytes(content)
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [c.value for c in sheet[1]]
    start, updated, number, version = (headers.index(h) for h in ("开始日期", "更新", "文件编号", "版本"))
    expected = []
    for row in sheet.iter_rows(min_row=2):
        assert row[start].is_date and row[updated].is_date
        contract = Contract.objects.get(number=row[number].value, version=row[version].value)
        expected.append([contract.number, str(contract.start_date),
                         timezone.localtime(contract.updated).strftime("%Y-%m-%d %H:%M")])
    assert expected
    out = soffice(tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1", [path])
    rows = list(csv.reader(io.StringIO((out / "contracts.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == headers
    shown = [[r[number], r[start], r[updated]] for r in rows[1:]]
    assert shown == expected  # LibreOffice reads the cells as the local dates and times shown on the page
