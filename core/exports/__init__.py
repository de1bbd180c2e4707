"""Export rendering for controlled records: DOCX, PDF, XLSX. No Django needed.

Build an :class:`ExportDocument` (plain dataclasses) and call a renderer::

    from core.exports import ExportDocument, Section, Table, render_pdf

    doc = ExportDocument(title="服务连续性计划", number="SP-QR-001", version="V1.0",
                         sections=[Section("目的", ["……"])])
    pdf_bytes = render_pdf(doc)

* :func:`render_pdf` - WeasyPrint, A4, embedded Noto Sans SC (core.fonts TTF cache).
* :func:`render_html` - the HTML that render_pdf prints (preview / debugging).
* :func:`render_docx` - python-docx; ``template=`` a company letterhead .docx.
* :func:`render_xlsx` / :func:`render_document_xlsx` - openpyxl.

Labels (文件编号, 版本, 修订记录, ...) come from :data:`LABELS` by
``ExportDocument.language`` ("zh-hans" default, "en"); override single
labels with ``ExportDocument.labels`` (e.g. gettext results from Django).
"""

from .docx_renderer import render_docx
from .model import (
    DEFAULT_LANGUAGE,
    LABELS,
    ExportDocument,
    Image,
    Revision,
    Section,
    SignatureLine,
    Table,
    format_value,
    get_labels,
    normalize_language,
    standard_signatures,
)
from .pdf_renderer import render_html, render_pdf
from .xlsx_renderer import render_document_xlsx, render_xlsx

__all__ = [
    "DEFAULT_LANGUAGE",
    "LABELS",
    "ExportDocument",
    "Image",
    "Revision",
    "Section",
    "SignatureLine",
    "Table",
    "format_value",
    "get_labels",
    "normalize_language",
    "render_document_xlsx",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "standard_signatures",
]
