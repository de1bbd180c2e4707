"""Page header (company or title, number and version) and footer (confidentiality, page X of Y) of an exported DOCX.

On a company letterhead the template's own header/footer content is kept and ours is appended below it."""

import re

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Emu, Pt, RGBColor

from ..model import ExportDocument
from .ooxml import add_field, add_text, has_content, paragraph_border_bottom


def add_header_footer(document, doc: ExportDocument) -> None:
    for section in document.sections:
        width = int(section.page_width - section.left_margin - section.right_margin)
        parts = [(section.header, section.footer)]
        if section.different_first_page_header_footer:
            parts.append((section.first_page_header, section.first_page_footer))
        for header, footer in parts:
            _header(header, width, doc)
            _footer(footer, width, doc)


def _header(header, width: int, doc: ExportDocument) -> None:
    existing = not header.is_linked_to_previous and has_content(header._element)
    header.is_linked_to_previous = False
    paragraph = header.add_paragraph() if existing else header.paragraphs[0]
    if not existing:
        for extra in header.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
    tabs = clear_style_tabs(paragraph)
    tabs.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.paragraph_format.space_after = Pt(0)
    gray = RGBColor(0x55, 0x55, 0x55)
    if not existing:
        add_text(paragraph, doc.company or doc.title, size=8, color=gray)
    paragraph.add_run("\t")
    add_text(paragraph, doc.page_header_text(), size=8, color=gray)
    if not existing:
        paragraph_border_bottom(paragraph)

def clear_style_tabs(paragraph):
    """The paragraph's tab stops with its style's own cleared: the Header/Footer styles of Word templates set a
    centre tab at 8.25 cm and a right tab at 16.5 cm, so a single tab would stop mid-header instead of at the
    right margin."""
    tabs = paragraph.paragraph_format.tab_stops
    style = paragraph.style
    while style is not None:
        for stop in style.paragraph_format.tab_stops:
            if stop.alignment != WD_TAB_ALIGNMENT.CLEAR:
                tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        style = style.base_style
    return tabs


def _footer(footer, width: int, doc: ExportDocument) -> None:
    existing = not footer.is_linked_to_previous and has_content(footer._element)
    footer.is_linked_to_previous = False
    paragraph = footer.add_paragraph() if existing else footer.paragraphs[0]
    if not existing:
        for extra in footer.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
    tabs = clear_style_tabs(paragraph)
    tabs.add_tab_stop(Emu(width // 2), WD_TAB_ALIGNMENT.CENTER)
    tabs.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
    gray = RGBColor(0x55, 0x55, 0x55)
    if doc.confidentiality:
        sep = "：" if doc.is_chinese else ": "
        add_text(
            paragraph,
            f"{doc.label('confidentiality')}{sep}{doc.confidentiality}",
            size=8,
            color=gray,
        )
    paragraph.add_run("\t")
    for token in re.split(r"(\{pages?\})", doc.label("page")):
        if token == "{page}":
            add_field(paragraph, "PAGE", size=8)
        elif token == "{pages}":
            add_field(paragraph, "NUMPAGES", size=8)
        elif token:
            add_text(paragraph, token, size=8, color=gray)
