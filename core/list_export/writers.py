"""The streamed writers: CSV in pieces for a StreamingHttpResponse, XLSX row by row into a file."""

import csv
import io
import tempfile
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.utils import timezone, translation

from ..exports import Table, format_value, render_xlsx
from ..exports.cells import FORMULA_START, inert
from ..exports.model import clean_text, display_width, get_labels
from .cells import CHUNK, WIDTH_SAMPLE

# ---- writers ----------------------------------------------------------------------------------------------------

CSV_ROWS_PER_PIECE = 500  # rows per piece of a streamed CSV (one write of the csv module, one yield)


def csv_chunks(headers, rows, language=None, rows_per_chunk=CSV_ROWS_PER_PIECE):
    """UTF-8 CSV with a BOM (Excel reads Chinese only then), as encoded pieces of some rows each. A text that needs
    nothing (printable, not starting like a formula) is written as it is; every other value goes through the
    converter of its type, chosen from a table made once."""
    language = language or translation.get_language()
    labels = get_labels(language)
    convert = _csv_converters(labels["yes"], labels["no"], language)
    generic = convert[None]
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([inert(h) for h in headers])
    starts = FORMULA_START
    rows = iter(rows)
    while True:
        piece = [[value if value.__class__ is str and value.isprintable() and not value.startswith(starts)
                  else convert.get(value.__class__, generic)(value) for value in row]
                 for row in islice(rows, rows_per_chunk)]
        if not piece:
            break
        writer.writerows(piece)
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


def _clean(text):
    """clean_text, skipped for the (usual) text without control characters (nothing to remove then)."""
    return text if text.isprintable() else clean_text(text)


def _csv_converters(yes, no, language):
    """value class -> its CSV text (None: any other class), as `format_value` and `inert` write it."""

    def text(value):
        return inert(_clean(value)) if value else value

    def moment(value):  # already the reader's wall time (naive); to the minute as on the page
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"

    def other(value):
        return inert(format_value(value, language))

    return {str: text, type(None): lambda value: "", bool: lambda value: yes if value else no, int: str,
            datetime: moment, None: other}


def csv_text(headers, rows, language=None) -> str:
    """UTF-8 CSV with a BOM (Excel reads Chinese only then); values as a person reads them."""
    return b"".join(csv_chunks(headers, rows, language)).decode("utf-8")


def xlsx_bytes(headers, rows, sheet_name, language=None) -> bytes:
    """One sheet: bold frozen header with a filter, typed cells, widths fitted to the content (small tables)."""
    return render_xlsx([Table(headers, rows)], [sheet_name], language=language or translation.get_language())


def _width(value) -> int:
    if isinstance(value, str):
        return max(display_width(line) for line in value.split("\n"))
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal):
        return len(f"{value:,}")
    return len(str(value)) if value is not None else 0


def write_xlsx(headers, rows, sheet_name, out, language=None, progress=None) -> int:
    """Stream rows into an XLSX file `out` (a path or binary file) with openpyxl's write-only mode: header bold on
    a shaded row, frozen, with a filter; typed cells; widths fitted to the header and the first rows. Returns the
    number of rows written. `progress(done)` is called every CHUNK rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel

    from ..exports.xlsx_renderer import sheet_title

    labels = get_labels(language or translation.get_language())
    yes, no = labels["yes"], labels["no"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(sheet_name, set(), labels["sheet"].format(n=1)))
    rows = iter(rows)
    sample = []
    for row in rows:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE:
            break
    widths = [display_width(str(h)) for h in headers]
    for row in sample:
        for index, value in enumerate(row[:len(headers)]):
            widths[index] = max(widths[index], _width(_xlsx_value(value, yes, no)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    if headers:
        sheet.freeze_panes = "A2"
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="E7ECF3")
    header_border = Border(bottom=Side(style="thin", color="808080"))
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    header_cells = []
    for label in headers:
        header = WriteOnlyCell(sheet, value=clean_text(label))
        header.data_type = "s"
        header.font, header.fill, header.border, header.alignment = header_font, header_fill, header_border, centred
        header_cells.append(header)
    sheet.append(header_cells)
    width = len(headers)
    styled_cells = {}  # (column, number format) -> the one styled cell of that column, re-filled per row

    fast = _fast_append(sheet)
    styles = {}  # number format -> its style id (fast rows)

    def styled(index, value, number_format):
        if fast:
            style = styles.get(number_format)
            if style is None:
                template = WriteOnlyCell(sheet)
                template.number_format = number_format
                style = styles[number_format] = template.style_id
            return _Styled(to_excel(value, book.epoch) if isinstance(value, date) else value, style)
        # openpyxl writes a row's cells as they are appended, so one cell per column and format serves every row
        # (a new styled cell per value would cost a style lookup each); a new cell is started after a styled one.
        target = styled_cells.get((index, number_format))
        if target is None:
            target = styled_cells[index, number_format] = WriteOnlyCell(sheet)
            target.number_format = number_format
        target.value = value
        return target

    def text(index, value):
        if not value:
            return None
        value = _clean(value)
        if value.startswith("=") or "\n" in value:  # a text, never a formula; lines wrapped
            target = WriteOnlyCell(sheet, value=value)
            target.data_type = "s"
            if "\n" in value:
                target.alignment = wrap
            return target
        return value

    def moment(index, value):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return styled(index, value.replace(tzinfo=None), "yyyy-mm-dd hh:mm")

    def amount(index, value):
        places = max(-value.as_tuple().exponent, 0) if value.is_finite() else 0
        return styled(index, value, "#,##0" + ("." + "0" * places if places else ""))

    def other(index, value):
        value = _xlsx_value(value, yes, no)
        if value.__class__ is str:
            return text(index, value)
        if isinstance(value, datetime):
            return moment(index, value)
        if isinstance(value, date):
            return styled(index, value, "yyyy-mm-dd")
        if isinstance(value, Decimal):
            return amount(index, value)
        return value

    convert = {str: text, type(None): lambda index, value: None, bool: lambda index, value: yes if value else no,
               int: lambda index, value: value, float: lambda index, value: value, datetime: moment,
               date: lambda index, value: styled(index, value, "yyyy-mm-dd"), Decimal: amount}

    def converted(row):
        # a printable text not starting with "=" (the usual cell) is written as it is
        return [value if value.__class__ is str and value and value.isprintable() and value[0] != "="
                else convert.get(value.__class__, other)(index, value)
                for index, value in enumerate(row[:width])]

    append = fast or sheet.append
    count = 0
    for row in _chain(sample, rows):
        append(converted(row))
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    book.save(out)
    return count


class _Styled:
    """A number (a date as Excel counts it) with the style id of its number format, for `_fast_append`'s rows."""

    __slots__ = ("value", "style")

    def __init__(self, value, style):
        self.value, self.style = value, style


def _fast_append(sheet):
    """`sheet.append` for the rows `write_xlsx` makes, writing each row as one XML element: a text or number as
    openpyxl writes it, without a cell object per value; the (few) cells given as openpyxl cells (styled dates and
    amounts, formula-like or wrapped texts) through openpyxl's own attributes of a cell. None when this openpyxl
    does not write rows the way this relies on (then `sheet.append` is used)."""
    from openpyxl import LXML
    from openpyxl.cell import _writer
    from openpyxl.compat import safe_string
    from openpyxl.utils import get_column_letter

    if not (LXML and hasattr(sheet, "_values_to_row") and hasattr(sheet, "_get_writer")
            and hasattr(_writer, "_set_attributes")):
        return None
    from lxml.etree import XMLParser, fromstring

    parser = XMLParser(resolve_entities=False, huge_tree=True)

    sheet._get_writer()
    writer = sheet._writer
    if not hasattr(writer, "write_row"):
        return None
    letters = [get_column_letter(index) for index in range(1, 16385)]
    attributes = _writer._set_attributes
    escapes = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})

    def text(attrs, value):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c{attrs}><is><t{space}>{value[:32767].translate(escapes)}</t></is></c>'

    def write_row(xf, values, row_index):
        row = str(row_index)
        parts = [f'<row r="{row}">']
        for index, value in enumerate(values):
            if value is None:
                continue
            kind = value.__class__
            if kind is str:
                parts.append(text(f' r="{letters[index]}{row}" t="inlineStr"', value))
            elif kind is _Styled:
                parts.append(f'<c r="{letters[index]}{row}" s="{value.style}" t="n">'
                             f'<v>{safe_string(value.value)}</v></c>')
            elif kind is int or kind is float:
                parts.append(f'<c r="{letters[index]}{row}" t="n"><v>{safe_string(value)}</v></c>')
            else:  # an openpyxl cell
                value.column, value.row = index + 1, row_index
                content, attrs = attributes(value, value.has_style)
                attrs = "".join(f' {key}="{item}"' for key, item in attrs.items())
                if value.data_type == "s":
                    parts.append(text(attrs, content))
                elif content is None or content == "":
                    parts.append(f"<c{attrs}/>")
                else:
                    parts.append(f"<c{attrs}><v>{safe_string(content)}</v></c>")
        parts.append("</row>")
        xf.write(fromstring("".join(parts), parser))

    writer.write_row = write_row
    sheet._values_to_row = lambda values, row_index: values
    return sheet.append


def _chain(first, rest):
    yield from first
    yield from rest


def _xlsx_value(value, yes, no):
    if value is None:
        return None
    if value.__class__ is str:
        return _clean(value) if value else None
    if value is True:
        return yes
    if value is False:
        return no
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (date, int, float, Decimal)):
        return value
    return clean_text(value)


def xlsx_file(headers, rows, sheet_name, language=None, progress=None):
    """(temporary file positioned at 0, rows written): the workbook streamed to disk, not built in memory."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response or the job closes it)
    count = write_xlsx(headers, rows, sheet_name, spool, language=language, progress=progress)
    spool.seek(0)
    return spool, count

