"""What one cell of a list page holds in a file: the value a person reads on the page, typed where a
spreadsheet can use it (`cell`, `table_data`: the definition the export plan is tested against)."""

from datetime import date, datetime
from decimal import Decimal
from html import unescape

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.html import strip_tags
from django_tables2 import A

TYPED = (bool, int, float, Decimal, date)  # datetime is a date
# Columns whose cell is the value itself, formatted (a link or badge around it at most).
PLAIN_RENDERS = (tables.Column.render, tables.DateColumn.render, tables.DateTimeColumn.render,
                 tables.BooleanColumn.render)
CHUNK = 2000  # rows per fetch from the cursor (and per instance-building batch)
WIDTH_SAMPLE = 500  # XLSX column widths are fitted to the header and the first rows
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header



def plain(value):
    """The text of a rendered cell: tags dropped, entities decoded, whitespace collapsed."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = strip_tags(text)
    if "&" in text:
        text = unescape(text)
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


def exported_columns(table, exclude=("actions",)):
    return [c for c in table.columns.iterall() if not (c.column.exclude_from_export or c.name in exclude)]


def table_data(table, exclude=("actions",)):
    """(headers, rows) of a django-tables2 table, every cell through `cell` (the reference: small tables)."""
    columns = exported_columns(table, exclude)
    headers = [plain(c.header) for c in columns]
    rows = [[cell(table, row, column) for column in columns] for row in table.rows]
    return headers, rows

