"""The body of an exported DOCX: the document-information block, title, headings, paragraphs, tables, figures."""

from io import BytesIO

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Emu, Pt, RGBColor

from ..model import ExportDocument, Table, column_weights, format_value, is_number, width_in_units
from .ooxml import (
    add_text,
    cant_split,
    outline_level,
    set_cell_shading,
    set_repeat_header,
    set_table_borders,
    set_widths,
    style_or_none,
)
from .styles import BODY_PT, HEADER_FILL, HEADING_PT, INFO_FILL, TABLE_PT, TITLE_PT


class BodyWriter:
    """Appends blocks to the document body; numbers tables and figures as it goes."""

    def __init__(self, doc: ExportDocument, document):
        self.doc = doc
        self.d = document
        section = document.sections[-1]
        self.text_width = int(
            section.page_width - section.left_margin - section.right_margin
        )
        self.table_no = 0
        self.figure_no = 0

    def heading(self, text: str, level: int) -> None:
        style = style_or_none(self.d, f"Heading {level}")
        if style is not None:
            paragraph = self.d.add_paragraph(style=style)
            add_text(paragraph, text)
        else:  # template without heading styles: direct formatting + outline level
            paragraph = self.d.add_paragraph()
            add_text(paragraph, text, bold=True, size=HEADING_PT[level])
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_before = Pt(10)
            outline_level(paragraph, level)

    def info_block(self) -> None:
        items = self.doc.info_items()
        if not items:
            return
        rows = (len(items) + 1) // 2
        table = self.d.add_table(rows=rows, cols=4)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_table_borders(table)
        label_w = int(self.text_width * 0.16)
        value_w = int(self.text_width * 0.34)
        set_widths(table, [label_w, value_w, label_w, value_w])
        for i, (label, value) in enumerate(items):
            row = table.rows[i // 2]
            label_cell, value_cell = row.cells[(i % 2) * 2], row.cells[(i % 2) * 2 + 1]
            if i == len(items) - 1 and i % 2 == 0:  # odd count: value spans the row
                value_cell = value_cell.merge(row.cells[3])
            set_cell_shading(label_cell, INFO_FILL)
            for cell, text, bold in (
                (label_cell, label, True),
                (value_cell, value, False),
            ):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                if bold:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                add_text(paragraph, text, bold=bold, size=TABLE_PT)

    def title(self) -> None:
        paragraph = self.d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(18)
        paragraph.paragraph_format.space_after = Pt(4 if self.doc.subtitle else 12)
        add_text(paragraph, self.doc.title, bold=True, size=TITLE_PT)
        if self.doc.subtitle:
            paragraph = self.d.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(12)
            add_text(
                paragraph, self.doc.subtitle, size=12, color=RGBColor(0x40, 0x40, 0x40)
            )

    def body_paragraph(self, text: str) -> None:
        paragraph = self.d.add_paragraph()
        if self.doc.is_chinese:
            # 首行缩进 2 字符 (first-line indent of two characters).
            paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        add_text(paragraph, format_value(text, self.doc.language))

    def caption(self, text: str, *, before_table: bool) -> None:
        paragraph = self.d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6 if before_table else 2)
        paragraph.paragraph_format.space_after = Pt(3 if before_table else 8)
        paragraph.paragraph_format.keep_with_next = before_table
        add_text(paragraph, text, bold=True, size=TABLE_PT)

    def table(
        self,
        table: Table,
        *,
        numbered: bool = True,
        row_height_cm: float | None = None,
        center_all: bool = False,
    ) -> None:
        if numbered and table.caption:  # only captioned tables are numbered: 表1, 表2, 表3 without gaps
            self.table_no += 1
            self.caption(self.doc.label("table_caption", n=self.table_no, caption=table.caption),
                         before_table=True)
        ncols = len(table.columns)
        grid = self.d.add_table(rows=1, cols=ncols)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_table_borders(grid)
        header = grid.rows[0]
        set_repeat_header(header)
        for cell, label in zip(header.cells, table.columns, strict=True):
            set_cell_shading(cell, HEADER_FILL)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            add_text(paragraph, str(label), bold=True, size=TABLE_PT)
        for values in table.rows:
            row = grid.add_row()
            cant_split(row)
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
                add_text(
                    paragraph, format_value(value, self.doc.language), size=TABLE_PT
                )
        weights = column_weights(table, self.doc.language, total=width_in_units(self.text_width / 12700, TABLE_PT))
        total = sum(weights) or 1.0
        set_widths(grid, [int(self.text_width * w / total) for w in weights])
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
