"""core.exports / core.fonts: PDF, DOCX and XLSX rendering (no database, no Django).

PDF checks use poppler's pdftotext / pdffonts / pdfinfo.  Without them the
tests skip, unless CI=true, where a missing tool is a failure.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from core.exports import (
    ExportDocument,
    Image,
    Revision,
    Section,
    Table,
    get_labels,
    normalize_language,
    render_docx,
    render_html,
    render_pdf,
    render_xlsx,
    standard_signatures,
)
from core.exports.xlsx_renderer import sheet_title
from core.fonts import ensure_fonts

pytestmark = []

NUMBER = "SP-QR-2025-001"
VERSION = "V1.2"


def _png() -> bytes:
    """A tiny valid PNG (2x1 px) without Pillow."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"\x00" + b"\x1f\x38\x64" * 2
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_doc(language: str = "zh-hans", rows: int = 4) -> ExportDocument:
    table_rows = [
        ["核心数据库", 4, Decimal("1.5"), "李娜", "双活部署，异地灾备"],
        ["邮件系统", 8, 4.5, "王强", None],
        ["服务台平台", 2, 0.5, "刘洋", "SaaS 厂商保障\n合同号 HT-2024-088"],
    ]
    return ExportDocument(
        title="IT服务连续性计划",
        number=NUMBER,
        version=VERSION,
        status="已批准",
        confidentiality="内部",
        department="运维服务部",
        author="张伟",
        customer="华东电力集团",
        project="数据中心运维服务",
        effective_date=date(2025, 3, 1),
        company="上海某某信息技术有限公司",
        meta=[("评审周期", "每年")],
        sections=[
            Section(
                "目的", ["为确保关键IT服务在中断情况下能够按约定恢复，制定本计划。"]
            ),
            Section(
                "服务清单",
                ["下表列出纳入本计划的服务："],
                tables=[
                    Table(
                        ["服务名称", "RTO（小时）", "RPO（小时）", "负责人", "备注"],
                        (table_rows * rows)[: max(rows, 1) * 3],
                        caption="关键服务恢复目标",
                    )
                ],
                images=[Image(_png(), "可用性趋势", width_cm=4)],
            ),
            Section("演练安排", ["每年至少一次切换演练。"], level=2),
        ],
        revision_history=[
            Revision("V1.0", date(2025, 1, 5), "张伟", "首次发布"),
            Revision(VERSION, "2025-03-01", "李娜", "更新恢复目标"),
        ],
        signatures=standard_signatures(
            language, prepared_by="张伟", reviewed_by="李娜", approved_by="赵敏"
        ),
        language=language,
    )


# --------------------------------------------------------------------------- helpers


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} (poppler-utils) is not installed"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{message}; it is required when CI=true")
        pytest.skip(message)
    return path


def run_tool(name: str, pdf: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    tool = require_tool(name)
    result = subprocess.run(
        [tool, *args, str(path), *(["-"] if name == "pdftotext" else [])],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def zh_pdf() -> bytes:
    return render_pdf(make_doc())


def docx_text(data: bytes) -> str:
    """All text of the .docx, header/footer included."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


# --------------------------------------------------------------------------- fonts


def test_font_cache_is_idempotent_and_cheap():
    fonts = ensure_fonts()
    assert fonts.regular.suffix == ".ttf" and fonts.regular.stat().st_size > 1_000_000
    assert fonts.bold.exists()
    mtimes = [p.stat().st_mtime_ns for p in fonts.paths]
    start = time.perf_counter()
    again = ensure_fonts()
    assert time.perf_counter() - start < 0.1
    assert [p.stat().st_mtime_ns for p in again.paths] == mtimes


def test_converted_font_is_named_noto_sans_sc():
    from fontTools.ttLib import TTFont

    font = TTFont(ensure_fonts().bold, lazy=True)
    assert font["name"].getDebugName(1) == "Noto Sans SC"
    assert font["name"].getDebugName(6) == "NotoSansSC-Bold"
    assert font["OS/2"].usWeightClass == 700
    cmap = font.getBestCmap()
    assert ord("中") in cmap and ord("A") in cmap


def test_signs_the_documents_print_are_drawn_in_the_shipped_font(tmp_path):
    """"≥ 95%", "≤ 4 h", "before → after": composed from the font's own glyphs, so no system font is embedded."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(ensure_fonts().regular, lazy=True).getBestCmap()
    assert all(ord(sign) in cmap for sign in "≥≤→←")
    pdf = render_pdf(ExportDocument(title="目标 ≥ ≤", sections=[Section("变更", ["2026-11-01 → 2026-11-05 ←"],
                                                                         tables=[Table(["目标"], [["≥ 99.9%"]])])]))
    fonts = run_tool("pdffonts", pdf, tmp_path)
    embedded = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all(name.startswith("Noto-Sans-SC") for name in embedded), fonts
    assert "≥99.9%" in "".join(run_tool("pdftotext", pdf, tmp_path).split())


def test_a_document_that_is_not_a_record_shows_only_its_own_header_rows(tmp_path):
    """No number (an evidence pack's index): no empty 文件编号 / 版本 / 状态 rows in the header block or the page
    header, in the PDF and the DOCX; the rows the document sets are shown."""
    doc = ExportDocument(title="证据包索引", company="示例公司", meta=[("合同", "HT-2026-001")],
                         sections=[Section("按条款", ["8.1 运行策划和控制"])])
    for text in (run_tool("pdftotext", render_pdf(doc), tmp_path), docx_text(render_docx(doc))):
        assert "HT-2026-001" in text and "证据包索引" in text
        assert not any(label in text for label in ("文件编号", "版本", "密级", "编制部门")), text
    assert make_doc().is_record and "文件编号" in run_tool("pdftotext", render_pdf(make_doc()), tmp_path)


# --------------------------------------------------------------------------- PDF


def test_pdf_text_contains_chinese_values_number_and_version(zh_pdf, tmp_path):
    assert zh_pdf.startswith(b"%PDF")
    text = run_tool("pdftotext", zh_pdf, tmp_path, "-layout")
    for expected in (
        NUMBER,
        VERSION,
        "IT服务连续性计划",
        "运维服务部",
        "华东电力集团",
        "核心数据库",
        "双活部署",
        "修订记录",
        "首次发布",
        "批准",
        "赵敏",
    ):
        assert expected in text, expected
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)


def test_pdf_embeds_noto_font(zh_pdf, tmp_path):
    output = run_tool("pdffonts", zh_pdf, tmp_path)
    embedded_noto = []
    for line in output.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        if len(parts) >= 7 and "Noto" in parts[0] and parts[-5] == "yes":
            embedded_noto.append(parts[0])
    assert embedded_noto, output


def test_pdf_english_labels(tmp_path):
    text = run_tool("pdftotext", render_pdf(make_doc("en")), tmp_path)
    assert "Document No." in text and "Revision history" in text
    assert "Page 1 of" in text
    assert NUMBER in text


def test_three_page_pdf_renders():
    """A long document renders to several pages (its speed is a benchmark's business, not a test's)."""
    from weasyprint import HTML

    doc = make_doc(rows=14)
    pdf = render_pdf(doc)
    assert pdf.startswith(b"%PDF")
    assert len(HTML(string=render_html(doc)).render().pages) >= 3


def test_html_escapes_user_text():
    doc = make_doc()
    doc.title = '<script>alert("x")</script>'
    doc.sections[0].paragraphs = ["a < b & c"]
    html = render_html(doc)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "a &lt; b &amp; c" in html


def test_pdf_does_not_fetch_external_urls(monkeypatch):
    """Only the shipped fonts and data: URIs reach WeasyPrint's fetcher; nothing opens a connection."""
    from weasyprint.urls import URLFetcher

    fetched = []
    base_fetch = URLFetcher.fetch
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: fetched.append(url)
                        or base_fetch(self, url, headers))
    monkeypatch.setattr("socket.create_connection", lambda *a, **k: pytest.fail(f"connection opened: {a}"))
    css = (
        'body { background: url("http://192.0.2.1/x.png"); }'
        ' h1 { background: url("file:///etc/passwd"); }'
    )
    assert render_pdf(make_doc(), extra_css=css).startswith(b"%PDF")
    assert not [url for url in fetched if url.startswith("http") or "passwd" in url]


# --------------------------------------------------------------------------- DOCX


def test_docx_contains_number_version_and_chinese():
    data = render_docx(make_doc())
    text = docx_text(data)
    for expected in (
        NUMBER,
        VERSION,
        "IT服务连续性计划",
        "运维服务部",
        "核心数据库",
        "修订记录",
        "批准",
    ):
        assert expected in text, expected
    assert "1\u3000目的" in text and "2.1\u3000演练安排" in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("word/styles.xml").decode()
        footer = "".join(
            archive.read(n).decode()
            for n in archive.namelist()
            if n.startswith("word/footer")
        )
        fonts = archive.read("word/fontTable.xml").decode()
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert 'w:eastAsia="Noto Sans SC"' in styles
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert 'w:altName w:val="SimSun"' in fonts
    assert media  # the figure


def test_docx_on_company_letterhead(tmp_path):
    from docx import Document
    from docx.shared import Cm

    letterhead = Document()
    section = letterhead.sections[0]
    section.left_margin = section.right_margin = Cm(3)
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = "上海某某信息技术有限公司 信笺"
    letterhead.add_paragraph("模板示例正文")
    path = tmp_path / "letterhead.docx"
    letterhead.save(path)

    data = render_docx(make_doc(), template=path)
    document = Document(io.BytesIO(data))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[0] == "上海某某信息技术有限公司 信笺"  # letterhead kept
    assert any(NUMBER in line for line in header)  # ID line appended
    assert round(document.sections[0].left_margin.cm, 1) == 3.0
    text = docx_text(data)
    assert "模板示例正文" not in text and "IT服务连续性计划" in text


def test_docx_english():
    text = docx_text(render_docx(make_doc("en")))
    assert "Document No." in text and "Prepared by" in text and "1 目的" in text


# --------------------------------------------------------------------------- XLSX


def test_xlsx_has_rows_bold_frozen_header():
    from openpyxl import load_workbook

    tables = [
        Table(
            ["服务名称", "RTO（小时）", "日期", "完成"],
            [
                ["核心数据库", 4, date(2025, 5, 10), True],
                ["邮件系统", Decimal("8.5"), datetime(2025, 10, 18, 22, 0), False],
                ['=HYPERLINK("http://x")', None, None, None],
            ],
        ),
        Table(["a"], [["b"]], caption="bad:/name*?"),
    ]
    data = render_xlsx(tables, ["服务清单"])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["服务清单", "bad__name__"]
    ws = workbook["服务清单"]
    assert [c.value for c in ws[1]] == ["服务名称", "RTO（小时）", "日期", "完成"]
    assert ws["A1"].font.b is True
    assert ws.freeze_panes == "A2"
    assert [ws.cell(2, c).value for c in (1, 2, 4)] == ["核心数据库", 4, "是"]
    assert ws["C2"].value == datetime(2025, 5, 10)
    assert ws["A4"].data_type == "s"  # not a formula
    assert ws.max_row == 4
    assert ws.column_dimensions["A"].width >= 12


# --------------------------------------------------------------------------- model


def test_labels_and_language_codes():
    assert normalize_language("zh-CN") == "zh-hans"
    assert normalize_language("en-us") == "en"
    assert normalize_language(None) == "zh-hans"
    assert get_labels("en")["number"] == "Document No."
    assert get_labels("zh-hans", {"number": "编号"})["number"] == "编号"
    assert set(get_labels("en")) == set(get_labels("zh-hans"))


def test_sheet_title_is_excel_safe_and_unique():
    used: set[str] = set()
    assert sheet_title("x" * 40, used, "S") == "x" * 31
    assert sheet_title("x" * 40, used, "S") == "x" * 27 + " (2)"
    assert sheet_title("", used, "S") == "S"


# --------------------------------------------------------------------------- office behaviour (issue 11)


def test_columns_fit_their_content_words_dates_and_numbers_never_wrap():
    from core.exports.model import column_weights, display_width, width_in_units

    table = Table(["WBS", "任务", "交付物", "负责人", "计划开始", "计划结束", "工作量（小时）", "前置任务", "里程碑"],
                  [["1.2", "运维手册与应急预案编制", "", "黄晓明", date(2026, 3, 6), date(2026, 3, 10), 40.0, "1.1",
                    ""]],
                  widths=[1, 4, 3, 2, 2, 2, 1, 2, 1])
    total = width_in_units(16.6 / 2.54 * 72, 9)  # the DOCX text width at the table's 9 pt
    weights = column_weights(table, "zh-hans", total=total)
    assert abs(sum(weights) - total) < 1e-6
    wbs, task, deliverable, _who, start, end, hours, *_rest = weights
    assert wbs >= display_width("WBS") + 2 and hours >= len("40.0") + 2  # no one-character lines
    assert start >= len("2026-03-06") + 2 and end >= len("2026-03-10") + 2
    assert task > deliverable  # the empty column does not take the room the task names need


def test_docx_properties_language_header_and_package_come_from_the_record():
    created, modified = datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 29, 20, 30)
    doc = ExportDocument(title="服务月报", number=NUMBER, version=VERSION, author="杨帆", company="示例公司",
                         subtitle="服务月报", created=created, modified=modified, modified_by="刘洋",
                         sections=[Section("概述", ["正文"])])
    data = render_docx(doc)
    assert data == render_docx(doc)  # the same record, the same bytes
    package = zipfile.ZipFile(io.BytesIO(data))
    names = package.namelist()
    assert not [n for n in names if "thumbnail" in n] and b"thumbnail" not in package.read("_rels/.rels")
    core = package.read("docProps/core.xml").decode()
    for expected in ("<dc:title>服务月报</dc:title>", "<dc:creator>杨帆</dc:creator>", "<cp:lastModifiedBy>刘洋<",
                     "2026-11-02T09:00:00Z", "2026-11-29T20:30:00Z", "<dc:subject>服务月报</dc:subject>"):
        assert expected in core, expected
    assert "<Application>ServPlan</Application>" in package.read("docProps/app.xml").decode()
    settings = package.read("word/settings.xml").decode()
    assert 'w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings
    assert "ja-JP" not in package.read("word/styles.xml").decode()
    header = package.read(next(n for n in names if n.startswith("word/header"))).decode()
    tabs = re.findall(r'<w:tab w:pos="(\d+)" w:val="(\w+)"/>', header)
    assert ("4680", "clear") in tabs and [v for _pos, v in tabs if v != "clear"] == ["right"]
