"""A list page's table as a file people open in Excel, WPS or LibreOffice (CSV, XLSX).

Every cell is what a person reads on the page, without markup (a number column rendered as a link exports its
number), typed where the spreadsheet can use it: times as date cells in the reader's time zone (naive local
datetimes with a number format, Excel has no zones), dates as dates, amounts and counts as numbers, yes/no as
是/否 or Yes/No. The CSV carries the same values as text a person reads (local times to the minute).
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from html import unescape

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django_tables2 import A

from .exports import Table, format_value, render_xlsx
from .exports.cells import inert

TYPED = (bool, int, float, Decimal, date)  # datetime is a date
# Columns whose cell is the value itself, formatted (a link or badge around it at most).
PLAIN_RENDERS = (tables.Column.render, tables.DateColumn.render, tables.DateTimeColumn.render,
                 tables.BooleanColumn.render)


def plain(value):
    """The text of a rendered cell: tags dropped, entities decoded, whitespace collapsed."""
    if value is None:
        return ""
    text = unescape(strip_tags(str(value)))
    return " ".join(text.split())


def local_naive(moment: datetime) -> datetime:
    """The reader's wall time (the active time zone), to the minute's second, without a zone."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, microsecond=0)


def _has_choices(bound_column, record) -> bool:
    try:
        field = A(bound_column.accessor).get_field(record)
    except (FieldDoesNotExist, AttributeError, TypeError, ValueError):
        return False
    return bool(getattr(field, "choices", None))


def _shows_raw_value(table, bound_column) -> bool:
    """Whether the page shows the record's value as it is (formatted, in a link or badge at most), not something
    computed from it (a duration from seconds, a code instead of a label): then the file carries the value, typed."""
    if hasattr(table, f"render_{bound_column.name}"):
        return False
    return type(bound_column.column).render in PLAIN_RENDERS


def cell(table, bound_row, bound_column):
    """The value of one cell for a file: typed when the record holds a date, time, number or yes/no shown as it
    is (or the table's `value_<column>` gives one), else the plain text shown on the page; empty stays empty."""
    name = bound_column.name
    if hasattr(table, f"value_{name}"):
        value = bound_row.get_cell_value(name)
        return _typed(value) if isinstance(value, TYPED) else plain(value)
    raw = A(bound_column.accessor).resolve(bound_row.record, quiet=True)
    if raw is None or raw == "":
        return ""
    if isinstance(raw, TYPED) and _shows_raw_value(table, bound_column) \
            and not _has_choices(bound_column, bound_row.record):
        return _typed(raw)
    return plain(bound_row.get_cell(name))


def _typed(value):
    return local_naive(value) if isinstance(value, datetime) else value


def table_data(table, exclude=("actions",)):
    """(headers, rows) of a django-tables2 table, every cell through `cell`."""
    columns = [c for c in table.columns.iterall()
               if not (c.column.exclude_from_export or c.name in exclude)]
    headers = [plain(c.header) for c in columns]
    rows = [[cell(table, row, column) for column in columns] for row in table.rows]
    return headers, rows


def csv_text(headers, rows, language=None) -> str:
    """UTF-8 CSV with a BOM (Excel reads Chinese only then); values as a person reads them."""
    language = language or translation.get_language()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([inert(h) for h in headers])
    for row in rows:
        writer.writerow([inert(format_value(value, language)) for value in row])
    return out.getvalue()


def xlsx_bytes(headers, rows, sheet_name, language=None) -> bytes:
    """One sheet: bold frozen header with a filter, typed cells, widths fitted to the content."""
    return render_xlsx([Table(headers, rows)], [sheet_name], language=language or translation.get_language())
