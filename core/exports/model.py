"""Plain-data document model shared by the DOCX, PDF and XLSX renderers.

No Django here: views/services build an :class:`ExportDocument` from their
models and hand it to ``render_docx`` / ``render_pdf`` / ``render_xlsx``.
Pass display-ready values (localised datetimes, choice labels); the renderers
only format dates, numbers, booleans and ``None``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

DEFAULT_LANGUAGE = "zh-hans"

# Every label the renderers print, per language.  Keep this the single source:
# the Django layer may wrap/override values (ExportDocument.labels) with
# gettext, but it should not scatter strings elsewhere.
LABELS: dict[str, dict[str, str]] = {
    "zh-hans": {
        "number": "文件编号",
        "version": "版本",
        "status": "状态",
        "confidentiality": "密级",
        "department": "编制部门",
        "author": "编制人",
        "customer": "客户",
        "project": "项目",
        "effective_date": "生效日期",
        "revision_history": "修订记录",
        "rev_version": "版本",
        "rev_date": "日期",
        "rev_author": "修订人",
        "rev_change": "修订内容",
        "signatures": "审批签署",
        "sig_role": "职责",
        "sig_name": "姓名",
        "sig_signature": "签名",
        "sig_date": "日期",
        "role_prepared": "编制",
        "role_reviewed": "审核",
        "role_approved": "批准",
        "page": "第 {page} 页 / 共 {pages} 页",
        "table_caption": "表{n}　{caption}",
        "figure_caption": "图{n}　{caption}",
        "header_id": "文件编号：{number}　版本：{version}",
        "yes": "是",
        "no": "否",
        "sheet": "工作表{n}",
    },
    "en": {
        "number": "Document No.",
        "version": "Version",
        "status": "Status",
        "confidentiality": "Classification",
        "department": "Department",
        "author": "Prepared by",
        "customer": "Customer",
        "project": "Project",
        "effective_date": "Effective date",
        "revision_history": "Revision history",
        "rev_version": "Version",
        "rev_date": "Date",
        "rev_author": "Author",
        "rev_change": "Description of change",
        "signatures": "Approval",
        "sig_role": "Role",
        "sig_name": "Name",
        "sig_signature": "Signature",
        "sig_date": "Date",
        "role_prepared": "Prepared by",
        "role_reviewed": "Reviewed by",
        "role_approved": "Approved by",
        "page": "Page {page} of {pages}",
        "table_caption": "Table {n}: {caption}",
        "figure_caption": "Figure {n}: {caption}",
        "header_id": "Doc. No. {number}    Version {version}",
        "yes": "Yes",
        "no": "No",
        "sheet": "Sheet{n}",
    },
}


def normalize_language(language: str | None) -> str:
    """Map Django-style codes (zh-hans, zh-cn, zh_Hans, en-us, ...) to a LABELS key."""
    code = (language or DEFAULT_LANGUAGE).strip().lower().replace("_", "-")
    if code in LABELS:
        return code
    if code.startswith("zh"):
        return "zh-hans"
    if code.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def get_labels(
    language: str | None = None, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    labels = dict(LABELS[DEFAULT_LANGUAGE])
    labels.update(LABELS[normalize_language(language)])
    if overrides:
        labels.update(overrides)
    return labels


# --------------------------------------------------------------------------- model


@dataclass
class Table:
    """A table: ``columns`` are header labels, ``rows`` hold cell values
    (str, int, float, Decimal, date, datetime, bool or None)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    caption: str = ""
    widths: list[float] | None = None  # relative column widths; default: from content


@dataclass
class Image:
    """PNG (or JPEG/GIF) bytes with an optional caption."""

    data: bytes
    caption: str = ""
    width_cm: float | None = None  # default: natural size, at most the text width


@dataclass
class Section:
    """A heading followed by its paragraphs, then tables, then images.

    ``level`` 1-3 nests sections (numbered 1, 1.1, 1.1.1 when the document
    has ``numbered_sections``).  Use several sections to interleave text and
    tables.  A ``\\n`` inside a paragraph or cell is a line break.
    """

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    level: int = 1


@dataclass
class Revision:
    version: str
    date: date | str | None
    author: str
    change: str


@dataclass
class SignatureLine:
    role_label: str  # e.g. 编制 / 审核 / 批准
    name: str = ""
    date: date | str | None = None


@dataclass
class ExportDocument:
    title: str
    number: str = ""  # 文件编号
    version: str = ""
    status: str = ""
    confidentiality: str = ""  # 密级
    department: str = ""  # 编制部门
    author: str = ""  # 编制人
    customer: str = ""  # shown only when set
    project: str = ""  # shown only when set
    effective_date: date | str | None = None  # shown only when set
    company: str = ""  # page header (left); title is used when empty
    subtitle: str = ""
    meta: list[tuple[str, Any]] = field(default_factory=list)  # extra header-block rows
    sections: list[Section] = field(default_factory=list)
    revision_history: list[Revision] = field(default_factory=list)
    signatures: list[SignatureLine] = field(default_factory=list)
    language: str = DEFAULT_LANGUAGE  # "zh-hans" or "en"
    # Overrides of LABELS[language], e.g. gettext results from Django.
    labels: dict[str, str] = field(default_factory=dict)
    numbered_sections: bool = True
    # File properties (DOCX/PDF metadata) from the record, never "now": the same record exports to the same bytes.
    created: datetime | date | None = None
    modified: datetime | date | None = None
    modified_by: str = ""

    @property
    def lang(self) -> str:
        return normalize_language(self.language)

    @property
    def is_chinese(self) -> bool:
        return self.lang.startswith("zh")

    def label(self, key: str, **kwargs: Any) -> str:
        text = get_labels(self.language, self.labels)[key]
        return text.format(**kwargs) if kwargs else text

    @property
    def is_record(self) -> bool:
        """A controlled record has a number from its creation: its header block and page header name it. A document
        that is not one (an evidence pack's index) shows only the rows it sets."""
        return bool(self.number)

    def info_items(self) -> list[tuple[str, str]]:
        """(label, value) pairs of the header block, in display order."""
        items = [
            (self.label("number"), self.number),
            (self.label("version"), self.version),
            (self.label("confidentiality"), self.confidentiality),
            (self.label("status"), self.status),
            (self.label("department"), self.department),
            (self.label("author"), self.author),
        ] if self.is_record else []
        for key in ("customer", "project", "effective_date"):
            value = getattr(self, key)
            if value not in (None, ""):
                items.append((self.label(key), value))
        items.extend(self.meta)
        return [
            (str(label), format_value(value, self.language)) for label, value in items
        ]

    def page_header_text(self) -> str:
        return self.label("header_id", number=self.number, version=self.version) if self.is_record else ""

    def numbered_headings(self) -> list[str]:
        """Section headings with 1 / 1.1 / 1.1.1 numbers (when enabled)."""
        counters = [0, 0, 0]
        result = []
        for section in self.sections:
            level = min(max(section.level, 1), 3)
            counters[level - 1] += 1
            for i in range(level, 3):
                counters[i] = 0
            number = ".".join(str(c) for c in counters[:level])
            sep = "\u3000" if self.is_chinese else " "  # ideographic space in Chinese
            result.append(
                f"{number}{sep}{section.heading}"
                if self.numbered_sections
                else section.heading
            )
        return result


def standard_signatures(
    language: str | None = None,
    prepared_by: str = "",
    reviewed_by: str = "",
    approved_by: str = "",
    prepared_on: date | str | None = None,
    reviewed_on: date | str | None = None,
    approved_on: date | str | None = None,
) -> list[SignatureLine]:
    """The usual 编制 / 审核 / 批准 (prepared / reviewed / approved) lines."""
    labels = get_labels(language)
    return [
        SignatureLine(labels["role_prepared"], prepared_by, prepared_on),
        SignatureLine(labels["role_reviewed"], reviewed_by, reviewed_on),
        SignatureLine(labels["role_approved"], approved_by, approved_on),
    ]


# --------------------------------------------------------------------------- helpers

# Characters XML 1.0 (docx, xlsx, html) cannot carry.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: Any) -> str:
    """str() a value and drop characters that are illegal in XML."""
    return _ILLEGAL_XML.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")


def format_value(value: Any, language: str | None = None) -> str:
    """Display string of a cell / field value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return get_labels(language)["yes" if value else "no"]
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # stored in UTC: shown in the reader's zone (the active one)
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, ".6f").rstrip("0").rstrip(".")
    if isinstance(value, Decimal):
        return format(value, "f")
    return clean_text(value)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def display_width(text: str) -> int:
    """Width in 'Latin character' units: CJK / full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Runs a line may not break inside: Latin words, numbers, dates, codes. CJK text breaks between any characters.
_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


def _shortest_width(text: str) -> int:
    """The narrowest a line of `text` can be: its longest unbreakable run (a CJK character counts 2)."""
    runs = [display_width(run) for run in _UNBREAKABLE.findall(text)]
    cjk = 2 if any(unicodedata.east_asian_width(ch) in "WF" for ch in text) else 0
    return max([cjk, *runs])


LATIN_EM = 0.6  # width of one display_width unit in em (Noto Sans SC digits are 0.555 em; CJK counts 2 units)
CELL_PADDING = 2  # units a cell's padding and borders take (Word: 2 × 0.19 cm; the PDF: 2 × 1.6 mm)
BOLD = 1.25  # bold capitals ("WBS") are wider than a unit each
HEADER_RUN = 6  # a heading wraps after no fewer than 3 Chinese characters (6 units), unless it is shorter


def width_in_units(width_pt: float, font_pt: float) -> float:
    """A width in points as display_width units of text at `font_pt`."""
    return width_pt / (font_pt * LATIN_EM)


def column_weights(
    table: Table, language: str | None = None, total: float = 90.0
) -> list[float]:
    """Column widths (summing to ``total``, the table's width in display_width units) fitted to the content.

    Every column is at least as wide as its longest word, number or date, so "WBS", "2026-11-30" and "40" never
    wrap one character per line; the room left goes to the columns whose text is longer, in proportion to what
    they would need on one line (an empty column stays narrow). ``table.widths`` weights that remaining room.
    """
    n = len(table.columns)
    if not n:
        return []
    shortest, natural = [], []
    for i, column in enumerate(table.columns):
        header = str(column)
        texts = [header] + [format_value(row[i], language) for row in table.rows if i < len(row)]
        lines = [line for text in texts for line in text.split("\n")]
        bold = [math.ceil(BOLD * _shortest_width(line)) for line in header.split("\n")]  # headers are bold
        header_run = max(min(display_width(header), HEADER_RUN), *bold)
        shortest.append(max(header_run, *(_shortest_width(line) for line in lines)) + CELL_PADDING)
        natural.append(max(display_width(line) for line in lines) + CELL_PADDING)
    floor = sum(shortest)
    if floor >= total:
        return [total * w / floor for w in shortest]
    explicit = table.widths if table.widths and len(table.widths) == n else None
    wants = [max(nat - low, 0) * (float(explicit[i]) if explicit else 1.0)
             for i, (nat, low) in enumerate(zip(natural, shortest, strict=True))]
    if sum(natural) <= total and not explicit:
        wants = natural  # everything fits on one line: share the page in proportion to the content
    spare, wanted = total - floor, sum(wants) or 1.0
    return [low + spare * want / wanted for low, want in zip(shortest, wants, strict=True)]


def image_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    raise ValueError("Image.data must be PNG, JPEG or GIF bytes")
