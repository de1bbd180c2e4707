"""DOCX export with python-docx, in the layout Chinese companies expect.

Layout: document-information block (文件编号 / 版本 / 密级 / 状态 / 编制部门 /
编制人 ...), title, numbered sections with tables and figures, 修订记录
(revision history) and the 编制 / 审核 / 批准 signature table.  Page header
shows the company (or title) and number + version, the footer the
confidentiality and "第 X 页 / 共 Y 页" fields.

Company letterhead: ``render_docx(doc, template="letterhead.docx")`` opens
the company's own Word file (python-docx ``Document(template)``) and builds
on it.  Page size, margins, styles and the letterhead header/footer (logo,
address) are kept; by default the template body is cleared (its sample text
removed); the ID line and page numbers are appended below the existing
header/footer content.  ``header_footer=False`` leaves the template's header
and footer untouched.  ``font_name=None`` keeps the template's fonts.
A template only needs to be a normal .docx (save it as .docx, not .dotx).
"""

from __future__ import annotations

import os
import re
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from core.fonts import FONT_FAMILY

from .model import ExportDocument, Table, column_weights, format_value, is_number

__all__ = ["render_docx"]

BODY_PT = 10.5  # 五号
TABLE_PT = 9  # 小五
TITLE_PT = 18  # 小二
HEADING_PT = {1: 14, 2: 12, 3: 10.5}  # 四号 / 小四 / 五号
HEADER_FILL = "E7ECF3"
INFO_FILL = "F2F2F2"


# --------------------------------------------------------------------------- xml helpers

# Word rejects files whose child elements are out of schema order, so new
# elements go in front of their possible successors (ECMA-376 sequences).
_RPR_AFTER_RFONTS = tuple(
    f"w:{t}"
    for t in [
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")
_TCPR_AFTER_SHD = tuple(
    f"w:{t}"
    for t in [
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    ]
)
_TBLPR_AFTER_BORDERS = tuple(
    f"w:{t}"
    for t in [
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
        "tblPrChange",
    ]
)
_PPR_TAIL = [
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_PPR_AFTER_PBDR = tuple(f"w:{t}" for t in _PPR_TAIL)
_PPR_AFTER_OUTLINE = tuple(
    f"w:{t}" for t in _PPR_TAIL[_PPR_TAIL.index("outlineLvl") + 1 :]
)


def _set_run_fonts(rpr, font_name: str) -> None:
    """rFonts with explicit ascii/hAnsi/eastAsia/cs and no theme attributes
    (Word gives theme attributes priority over explicit names)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert_element_before(rfonts, *_RPR_AFTER_RFONTS)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font_name)


def _set_lang(rpr, east_asia: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *_RPR_AFTER_LANG)
    lang.set(qn("w:eastAsia"), east_asia)


def _style_or_none(document, name: str):
    try:
        return document.styles[name]
    except KeyError:
        return None


def _register_font_fallback(document, font_name: str, alt_name: str) -> None:
    """Add ``<w:font w:name=font_name>`` with ``w:altName`` to fontTable.xml, so
    Word substitutes ``alt_name`` (e.g. SimSun) on machines without the font."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable") and not rel.is_external:
            part = rel.target_part
            break
    else:
        return
    root = etree.fromstring(part.blob)
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) == font_name:
            return
    font = etree.SubElement(root, qn("w:font"))
    font.set(qn("w:name"), font_name)
    for tag, value in (
        ("w:altName", alt_name),
        ("w:charset", "86"),
        ("w:family", "swiss"),
        ("w:pitch", "variable"),
    ):
        etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def _set_cell_shading(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.insert_element_before(shd, *_TCPR_AFTER_SHD)


def _set_table_borders(table, size: int = 4, color: str = "595959") -> None:
    """Single-line grid on every edge (not relying on a "Table Grid" style,
    which company templates may not define)."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), color)
        borders.append(el)
    tblpr.insert_element_before(borders, *_TBLPR_AFTER_BORDERS)


def _set_repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _set_widths(table, widths_emu: list[int]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_emu, strict=False):
        col.set(qn("w:w"), str(int(Emu(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_emu, strict=False):
            cell.width = Emu(width)


def _paragraph_border_bottom(paragraph, color: str = "808080") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "4"),
        ("w:space", "1"),
        ("w:color", color),
    ):
        bottom.set(qn(key), value)
    pbdr.append(bottom)
    ppr.insert_element_before(pbdr, *_PPR_AFTER_PBDR)


def _outline_level(paragraph, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level - 1))
    ppr.insert_element_before(el, *_PPR_AFTER_OUTLINE)


def _add_field(paragraph, instruction: str, size: float | None = None) -> None:
    """Complex field (PAGE, NUMPAGES) that Word and LibreOffice update."""

    def run_with(element):
        run = paragraph.add_run()
        if size:
            run.font.size = Pt(size)
        run._r.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} \\* MERGEFORMAT "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    placeholder = paragraph.add_run("1")
    if size:
        placeholder.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _add_text(
    paragraph,
    text: str,
    *,
    bold: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
):
    """Run(s) with ``\\n`` turned into line breaks."""
    run = paragraph.add_run()
    for i, line in enumerate(text.split("\n")):
        if i:
            run.add_break()
        run.add_text(line)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _has_content(part_element) -> bool:
    """Does a header/footer already carry text, images or tables?"""
    texts = "".join(t.text or "" for t in part_element.iter(qn("w:t")))
    if texts.strip():
        return True
    for tag in ("w:drawing", "w:pict", "w:object", "w:tbl"):
        if next(part_element.iter(qn(tag)), None) is not None:
            return True
    return False


# --------------------------------------------------------------------------- renderer


class _DocxBuilder:
    def __init__(self, doc: ExportDocument, document, font_name: str | None):
        self.doc = doc
        self.d = document
        self.font_name = font_name
        section = document.sections[-1]
        self.text_width = int(
            section.page_width - section.left_margin - section.right_margin
        )
        self.table_no = 0
        self.figure_no = 0

    # ---- styles

    def setup_styles(self, east_asia_fallback: str | None) -> None:
        styles_el = self.d.styles.element
        rpr_default = styles_el.find(
            qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
        )
        if rpr_default is not None:
            _set_lang(rpr_default, "zh-CN")
            if self.font_name:
                _set_run_fonts(rpr_default, self.font_name)
        if self.font_name and east_asia_fallback:
            _register_font_fallback(self.d, self.font_name, east_asia_fallback)

        normal = _style_or_none(self.d, "Normal")
        if normal is not None:
            if self.font_name:
                _set_run_fonts(normal.element.get_or_add_rPr(), self.font_name)
                normal.font.size = Pt(BODY_PT)
            # w:lang eastAsia = language of the East Asian text runs.
            _set_lang(normal.element.get_or_add_rPr(), "zh-CN")
            pf = normal.paragraph_format
            pf.space_before = Pt(0)
            pf.space_after = Pt(4)
            pf.line_spacing = 1.15
        for name in (
            "Heading 1",
            "Heading 2",
            "Heading 3",
            "Header",
            "Footer",
            "Caption",
            "Title",
        ):
            style = _style_or_none(self.d, name)
            if style is None:
                continue
            if self.font_name:
                _set_run_fonts(style.element.get_or_add_rPr(), self.font_name)
            if name.startswith("Heading"):
                level = int(name[-1])
                style.font.size = Pt(HEADING_PT[level])
                style.font.bold = True
                style.font.italic = False
                style.font.color.rgb = (
                    RGBColor(0x1F, 0x38, 0x64) if level == 1 else RGBColor(0, 0, 0)
                )
                style.paragraph_format.space_before = Pt(12 if level == 1 else 8)
                style.paragraph_format.space_after = Pt(4)
                style.paragraph_format.keep_with_next = True

    # ---- blocks

    def heading(self, text: str, level: int) -> None:
        style = _style_or_none(self.d, f"Heading {level}")
        if style is not None:
            paragraph = self.d.add_paragraph(style=style)
            _add_text(paragraph, text)
        else:  # template without heading styles: direct formatting + outline level
            paragraph = self.d.add_paragraph()
            _add_text(paragraph, text, bold=True, size=HEADING_PT[level])
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_before = Pt(10)
            _outline_level(paragraph, level)

    def info_block(self) -> None:
        items = self.doc.info_items()
        rows = (len(items) + 1) // 2
        table = self.d.add_table(rows=rows, cols=4)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_table_borders(table)
        label_w = int(self.text_width * 0.16)
        value_w = int(self.text_width * 0.34)
        _set_widths(table, [label_w, value_w, label_w, value_w])
        for i, (label, value) in enumerate(items):
            row = table.rows[i // 2]
            label_cell, value_cell = row.cells[(i % 2) * 2], row.cells[(i % 2) * 2 + 1]
            if i == len(items) - 1 and i % 2 == 0:  # odd count: value spans the row
                value_cell = value_cell.merge(row.cells[3])
            _set_cell_shading(label_cell, INFO_FILL)
            for cell, text, bold in (
                (label_cell, label, True),
                (value_cell, value, False),
            ):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                if bold:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _add_text(paragraph, text, bold=bold, size=TABLE_PT)

    def title(self) -> None:
        paragraph = self.d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(18)
        paragraph.paragraph_format.space_after = Pt(4 if self.doc.subtitle else 12)
        _add_text(paragraph, self.doc.title, bold=True, size=TITLE_PT)
        if self.doc.subtitle:
            paragraph = self.d.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(12)
            _add_text(
                paragraph, self.doc.subtitle, size=12, color=RGBColor(0x40, 0x40, 0x40)
            )

    def body_paragraph(self, text: str) -> None:
        paragraph = self.d.add_paragraph()
        if self.doc.is_chinese:
            # 首行缩进 2 字符 (first-line indent of two characters).
            paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _add_text(paragraph, format_value(text, self.doc.language))

    def caption(self, text: str, *, before_table: bool) -> None:
        paragraph = self.d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6 if before_table else 2)
        paragraph.paragraph_format.space_after = Pt(3 if before_table else 8)
        paragraph.paragraph_format.keep_with_next = before_table
        _add_text(paragraph, text, bold=True, size=TABLE_PT)

    def table(
        self,
        table: Table,
        *,
        numbered: bool = True,
        row_height_cm: float | None = None,
        center_all: bool = False,
    ) -> None:
        if numbered:
            self.table_no += 1
            if table.caption:
                self.caption(
                    self.doc.label(
                        "table_caption", n=self.table_no, caption=table.caption
                    ),
                    before_table=True,
                )
        ncols = len(table.columns)
        grid = self.d.add_table(rows=1, cols=ncols)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_table_borders(grid)
        header = grid.rows[0]
        _set_repeat_header(header)
        for cell, label in zip(header.cells, table.columns, strict=True):
            _set_cell_shading(cell, HEADER_FILL)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            _add_text(paragraph, str(label), bold=True, size=TABLE_PT)
        for values in table.rows:
            row = grid.add_row()
            _cant_split(row)
            if row_height_cm:
                row.height = Cm(row_height_cm)
            cells = list(values) + [None] * (ncols - len(values))
            for cell, value in zip(row.cells, cells[:ncols], strict=True):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                if center_all:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif is_number(value):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _add_text(
                    paragraph, format_value(value, self.doc.language), size=TABLE_PT
                )
        weights = column_weights(table, self.doc.language)
        total = sum(weights) or 1.0
        _set_widths(grid, [int(self.text_width * w / total) for w in weights])
        # Word glues consecutive tables together without a paragraph between.
        spacer = self.d.add_paragraph()
        spacer.paragraph_format.space_after = Pt(2)

    def image(self, image) -> None:
        from docx.image.image import Image as DocxImage

        self.figure_no += 1
        info = DocxImage.from_blob(image.data)
        width = Cm(image.width_cm) if image.width_cm else info.width
        width = min(int(width), self.text_width)
        paragraph = self.d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = bool(image.caption)
        paragraph.add_run().add_picture(BytesIO(image.data), width=Emu(width))
        if image.caption:
            self.caption(
                self.doc.label(
                    "figure_caption", n=self.figure_no, caption=image.caption
                ),
                before_table=False,
            )

    # ---- page header / footer

    def header_footer(self) -> None:
        doc = self.doc
        for section in self.d.sections:
            width = int(section.page_width - section.left_margin - section.right_margin)
            parts = [(section.header, section.footer)]
            if section.different_first_page_header_footer:
                parts.append((section.first_page_header, section.first_page_footer))
            for header, footer in parts:
                self._header(header, width, doc)
                self._footer(footer, width, doc)

    def _header(self, header, width: int, doc: ExportDocument) -> None:
        existing = not header.is_linked_to_previous and _has_content(header._element)
        header.is_linked_to_previous = False
        paragraph = header.add_paragraph() if existing else header.paragraphs[0]
        if not existing:
            for extra in header.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Emu(width), WD_TAB_ALIGNMENT.RIGHT
        )
        paragraph.paragraph_format.space_after = Pt(0)
        gray = RGBColor(0x55, 0x55, 0x55)
        if not existing:
            _add_text(paragraph, doc.company or doc.title, size=8, color=gray)
        paragraph.add_run("\t")
        _add_text(paragraph, doc.page_header_text(), size=8, color=gray)
        if not existing:
            _paragraph_border_bottom(paragraph)

    def _footer(self, footer, width: int, doc: ExportDocument) -> None:
        existing = not footer.is_linked_to_previous and _has_content(footer._element)
        footer.is_linked_to_previous = False
        paragraph = footer.add_paragraph() if existing else footer.paragraphs[0]
        if not existing:
            for extra in footer.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
        tabs = paragraph.paragraph_format.tab_stops
        tabs.add_tab_stop(Emu(width // 2), WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
        gray = RGBColor(0x55, 0x55, 0x55)
        if doc.confidentiality:
            sep = "：" if doc.is_chinese else ": "
            _add_text(
                paragraph,
                f"{doc.label('confidentiality')}{sep}{doc.confidentiality}",
                size=8,
                color=gray,
            )
        paragraph.add_run("\t")
        for token in re.split(r"(\{pages?\})", doc.label("page")):
            if token == "{page}":
                _add_field(paragraph, "PAGE", size=8)
            elif token == "{pages}":
                _add_field(paragraph, "NUMPAGES", size=8)
            elif token:
                _add_text(paragraph, token, size=8, color=gray)


def _clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _a4_portrait(document) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = Cm(2.5)
        section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.2)
        section.header_distance = Cm(1.3)
        section.footer_distance = Cm(1.2)


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
        _a4_portrait(document)
    elif clear_template_body:
        _clear_body(document)

    builder = _DocxBuilder(doc, document, font_name)
    builder.setup_styles(east_asia_fallback)

    props = document.core_properties
    props.title = doc.title
    props.author = doc.author
    props.identifier = doc.number
    props.version = doc.version
    props.language = "zh-CN" if doc.is_chinese else "en"
    props.subject = doc.project or doc.customer or ""
    props.comments = ""

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
        builder.header_footer()

    out = BytesIO()
    document.save(out)
    return out.getvalue()
