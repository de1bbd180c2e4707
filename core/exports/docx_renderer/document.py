"""render_docx: an ExportDocument as .docx bytes, on a blank A4 page or a company letterhead template."""

from __future__ import annotations

import os
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn

from core.fonts import FONT_FAMILY

from ..model import ExportDocument, Table
from .blocks import BodyWriter
from .header_footer import add_header_footer
from .package import finish_package, set_core_properties, set_theme_language
from .styles import a4_portrait, setup_styles


def _clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def render_docx(
    doc: ExportDocument,
    template: str | os.PathLike[str] | None = None,
    *,
    font_name: str | None = FONT_FAMILY,
    east_asia_fallback: str | None = "SimSun",
    header_footer: bool = True,
    clear_template_body: bool = True,
) -> bytes:
    """Render ``doc`` as .docx bytes.

    ``template``: a company letterhead .docx to build on (see module doc).
    ``font_name``: set on Normal/Heading/Header/Footer/Caption/Title styles
    for ascii, hAnsi and eastAsia (default "Noto Sans SC"); ``None`` keeps the
    template's fonts.  ``east_asia_fallback``: font Word substitutes when
    ``font_name`` is not installed (written as w:altName in fontTable.xml).
    """
    document = Document(os.fspath(template)) if template else Document()
    if template is None:
        a4_portrait(document)
    elif clear_template_body:
        _clear_body(document)

    setup_styles(document, font_name, east_asia_fallback)
    builder = BodyWriter(doc, document)

    set_core_properties(document, doc)
    set_theme_language(document)

    builder.info_block()
    builder.title()
    for section, heading in zip(doc.sections, doc.numbered_headings(), strict=True):
        builder.heading(heading, min(max(section.level, 1), 3))
        for text in section.paragraphs:
            builder.body_paragraph(text)
        for table in section.tables:
            builder.table(table)
        for image in section.images:
            builder.image(image)

    if doc.revision_history:
        builder.heading(doc.label("revision_history"), 1)
        builder.table(
            Table(
                columns=[
                    doc.label(k)
                    for k in ("rev_version", "rev_date", "rev_author", "rev_change")
                ],
                rows=[
                    [r.version, r.date, r.author, r.change]
                    for r in doc.revision_history
                ],
                widths=[1.2, 1.6, 1.6, 5.6],
            ),
            numbered=False,
        )
    if doc.signatures:
        builder.heading(doc.label("signatures"), 1)
        builder.table(
            Table(
                columns=[
                    doc.label(k)
                    for k in ("sig_role", "sig_name", "sig_signature", "sig_date")
                ],
                rows=[[s.role_label, s.name, "", s.date] for s in doc.signatures],
                widths=[1.5, 2.5, 3.5, 2.5],
            ),
            numbered=False,
            row_height_cm=1.1,
            center_all=True,
        )

    if header_footer:
        add_header_footer(document, doc)

    out = BytesIO()
    document.save(out)
    return finish_package(out.getvalue(), doc)
