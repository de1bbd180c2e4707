"""A list page's table as a file people open in Excel, WPS or LibreOffice (CSV, XLSX), streamed.

Every cell is what a person reads on the page, without markup (a number column rendered as a link exports its
number), typed where the spreadsheet can use it: times as date cells in the reader's time zone (naive local
datetimes with a number format, Excel has no zones), dates as dates, amounts and counts as numbers, yes/no as
是/否 or Yes/No. The CSV carries the same values as text a person reads (local times to the minute).

Rows are read from a server-side cursor (`.iterator(chunk_size=…)` over `values_list`), never the whole table at
once. How each column is read is decided once per export (`ExportPlan`): a column showing a stored field as it is
(a plain `Column`, `DateColumn`, `DateTimeColumn` or `BooleanColumn` on a field, through foreign keys at most)
is read from the values and formatted by a per-column formatter (choices mapped to their labels, text without
markup); any other column (a table's `render_<name>`/`value_<name>`, a column class with its own `render`, a
related object shown by its name) is rendered the way the page renders it, from a model instance built for the
chunk (its foreign keys and prefetches loaded once per chunk), for that column only, unless its column class
says how to export itself from stored values (`ExportColumn`: `export_fields` and `export_formatter`). `cell()` is
the definition of a cell; the plan gives the same value (tests compare them).
"""

import csv
import io
import re
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape
from itertools import islice

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import F, prefetch_related_objects, signals
from django.db.models.base import ModelState
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django_tables2 import A
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from .exports import Table, format_value, render_xlsx
from .exports.cells import FORMULA_START, inert
from .exports.model import clean_text, display_width, get_labels

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


# ---- the plan: how each column is read, decided once ------------------------------------------------------------

_DISPLAY = re.compile(r"get_(\w+)_display")
_FAST_FIELD_COLUMNS = {tables.DateColumn: (models.DateField,), tables.DateTimeColumn: (models.DateTimeField,),
                       tables.BooleanColumn: (models.BooleanField,)}


def _collapse(value):
    return " ".join(str(value).split())


def _field_path(model, accessor):
    """(values_list path, field, labels wanted) of an accessor naming a stored field (through forward foreign keys),
    or None when the accessor is anything else (a method, a property, a related object, a reverse relation)."""
    bits = A(accessor).bits
    if len(bits) == 1 and (match := _DISPLAY.fullmatch(bits[0])):
        try:
            field = model._meta.get_field(match.group(1))
        except FieldDoesNotExist:
            return None
        return (field.attname, field, True) if field.concrete and field.choices and not field.is_relation else None
    current = model
    for index, bit in enumerate(bits):
        try:
            field = current._meta.get_field(bit)
        except FieldDoesNotExist:
            return None
        if index == len(bits) - 1:
            if not field.concrete or field.is_relation:
                return None
            return "__".join(bits), field, False
        if not (field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete):
            return None
        current = field.related_model
    return None


class _Reader:
    """One column from the values: a position in the row and a formatter (no instance, no render)."""

    def __init__(self, position, formatter):
        self.position, self.formatter = position, formatter

    def __call__(self, values, record):
        return self.formatter(values[self.position])


def _value_formatter(field, labels_wanted, linked, column_type):
    """The formatter of a stored value as `cell` writes it, decided once for the column."""
    text = _collapse if linked else plain
    if labels_wanted or field.choices:
        if column_type is not tables.Column:
            return None
        labels = {key: str(label) for key, label in field.flatchoices}

        def label(value):
            if value is None or value == "":
                return ""
            return text(labels.get(value, value))
        return label

    zone = timezone.get_current_timezone()

    def typed(value):
        if value is None or value == "":
            return ""
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(zone)
            return value.replace(tzinfo=None, microsecond=0)
        if isinstance(value, TYPED):
            return value
        return text(value)

    if column_type is tables.Column:
        return typed
    return typed if isinstance(field, _FAST_FIELD_COLUMNS.get(column_type, ())) else None


class _HookReader:
    """A column that says how to export itself from stored values (`ExportColumn`): its fields' positions in the row
    and its formatter, decided once."""

    def __init__(self, positions, formatter):
        self.positions, self.formatter = positions, formatter
        self.single = positions[0] if len(positions) == 1 else None

    def __call__(self, values, record):
        if self.single is not None:
            return self.formatter((values[self.single],))
        return self.formatter(tuple(values[p] for p in self.positions))


class ExportColumn:
    """A mixin for a django-tables2 column whose cell is computed from stored values (a duration from seconds and
    a breach flag, a code instead of its label): the export plan reads `export_fields` (accessors on the record,
    stored fields through forward foreign keys at most) with the other values and calls the formatter that
    `export_formatter()` returns, once per export, with the tuple of those values, per row. The formatter gives
    exactly what `cell()` gives from the rendered page cell (the tests compare them for every list page); a column
    that cannot (a link, a table's own `render_<name>`) is rendered as the page renders it instead."""

    def export_fields(self, bound_column):
        """The accessors of the stored values the cell is made of (empty: render it as the page does)."""
        return ()

    def export_formatter(self, bound_column):
        """A function of the tuple of those values giving the cell, as `cell()` would."""
        raise NotImplementedError


class CodeColumn(ExportColumn, tables.Column):
    """A field with choices shown by its stored code (P1…P4), not its label: narrow columns; the label is on the
    detail page."""

    def render(self, record, bound_column):
        return A(bound_column.accessor).resolve(record, quiet=True)

    def export_fields(self, bound_column):
        return (str(bound_column.accessor),)

    def export_formatter(self, bound_column):
        def code(values):
            value = values[0]
            return "" if value is None or value == "" else plain(value)
        return code


def _sqlite_moments(zone, stored_zone):
    """The formatter of a datetime column read as SQLite stores it ("YYYY-MM-DD HH:MM:SS[.ffffff]", in the
    connection's zone): the reader's wall time to the second, naive, as `typed` gives it from the converted value.
    The offset between the zones is worked out once per hour of stored time (checked at both ends of the hour: an
    hour holding a change of offset is converted value by value)."""
    hours = {}

    def exact(text):
        moment = parse_datetime(text)
        if moment is None:
            return text
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=stored_zone)
        return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)

    def hour(key):
        start = datetime.fromisoformat(key + ":00:00").replace(tzinfo=stored_zone)
        end = start + timedelta(minutes=59, seconds=59)
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        if local_start.utcoffset() - start.utcoffset() != local_end.utcoffset() - end.utcoffset():
            found = hours[key] = None
        else:
            found = hours[key] = local_start.replace(tzinfo=None) - start.replace(tzinfo=None)
        return found

    def moment(text):
        if text is None or text == "":
            return ""
        if text.__class__ is not str:  # a converted value after all (naive: in the stored zone)
            if text.tzinfo is None:
                text = text.replace(tzinfo=stored_zone)
            return text.astimezone(zone).replace(tzinfo=None, microsecond=0)
        if len(text) < 19 or text[10] != " " or (len(text) > 19 and text[19] != "."):
            return exact(text)
        key = text[:13]
        shift = hours[key] if key in hours else hour(key)
        if shift is None:
            return exact(text)
        return datetime.fromisoformat(text[:19]) + shift
    return moment


class _RelatedReader:
    """A related row shown by its name (a plain column on a foreign key): its text per id, loaded for the ids of a
    chunk not seen before (with the list's own select_related below it), kept for the rest of the export."""

    def __init__(self, position, field, linked, nested):
        self.position, self.field, self.nested = position, field, nested
        self.text = _collapse if linked else plain
        self.known = {}

    def load(self, chunk):
        wanted = {values[self.position] for values in chunk} - self.known.keys() - {None}
        if wanted:
            related = self.field.related_model._base_manager.select_related(*self.nested)
            found = related.in_bulk(wanted, field_name=self.field.target_field.attname)
            for key in wanted:
                obj = found.get(key)
                self.known[key] = "" if obj is None else self.text(obj)
            if len(self.known) > 100_000:  # a column of (nearly) unique rows: forget the oldest
                for key in list(self.known)[:50_000]:
                    del self.known[key]

    def __call__(self, values, record):
        key = values[self.position]
        return "" if key is None else self.known[key]


class _Renderer:
    """One column rendered as the page renders it, from the chunk's model instance (`cell`, with what it decides
    per column worked out once: the render function's arguments, whether the raw value is shown typed)."""

    def __init__(self, table, bound_column, model):
        self.table, self.bound_column = table, bound_column
        self.name = bound_column.name
        self.has_value = hasattr(table, f"value_{self.name}")
        self.accessor = A(bound_column.accessor)
        self.raw_typed = _shows_raw_value(table, bound_column)
        self.render = bound_column.render
        self.args, self.kwargs_name = signature(self.render)
        self.link = bound_column.link
        self.default = bound_column.default
        self.empty = bound_column.column.empty_values
        path = _field_path(model, bound_column.accessor)
        field = path[1] if path else None
        self.choices = bool(getattr(field, "choices", None)) if path else None
        # get_<field>_display(), as django-tables2 passes it for a field with choices, from a map made once
        self.labels = ({key: str(label) for key, label in field.flatchoices} if path and self.choices
                       and not path[2] and len(self.accessor.bits) == 1 else None)
        # A stored field read straight from the instance (what Accessor.resolve does for it, without the walk).
        self.attname = field.attname if path and not path[2] and len(self.accessor.bits) == 1 else None
        # The usual render signatures, called without building the arguments django-tables2 could offer.
        self.simple = not self.kwargs_name and set(self.args) in ({"value"}, {"value", "record"})
        self.wants_record = "record" in self.args

    def __call__(self, values, record):
        if self.has_value:
            value = BoundRow(record, table=self.table).get_cell_value(self.name)
            return _typed(value) if isinstance(value, TYPED) else plain(value)
        raw = getattr(record, self.attname) if self.attname else self.accessor.resolve(record, quiet=True)
        if raw is None or raw == "":
            return ""
        choices = self.choices if self.choices is not None else _has_choices(self.bound_column, record)
        if isinstance(raw, TYPED) and self.raw_typed and not choices:
            return _typed(raw)
        if self.choices is None or len(self.accessor.bits) > 1:
            # django-tables2's own path for anything unusual
            return plain(BoundRow(record, table=self.table).get_cell(self.name))
        value = raw
        if self.labels is not None:
            try:
                value = self.labels.get(raw, raw)
            except TypeError:  # an unhashable value (a list) is shown as it is
                value = raw
        if value in self.empty:
            return plain(self.default)
        if self.simple:
            content = self.render(**{"value": value, "record": record}) if self.wants_record \
                else self.render(value=value)
        else:
            kwargs = {"value": value, "record": record, "column": self.bound_column.column,
                      "bound_column": self.bound_column, "bound_row": BoundRow(record, table=self.table),
                      "table": self.table}
            if not self.kwargs_name:
                kwargs = {key: kwargs[key] for key in self.args if key in kwargs}
                if len(kwargs) != len(self.args):
                    return ""
            content = self.render(**kwargs)
        if self.link:
            content = self.link(content, value=value, record=record, column=self.bound_column.column,
                                bound_column=self.bound_column, bound_row=BoundRow(record, table=self.table),
                                table=self.table)
        return plain(content)


def _lookups(queryset):
    """The related rows the list loads with its queryset (select_related paths and prefetches)."""
    paths = []

    def walk(tree, prefix):
        for name, sub in tree.items():
            paths.append(prefix + name)
            walk(sub, prefix + name + "__")

    if isinstance(queryset.query.select_related, dict):
        walk(queryset.query.select_related, "")
    deepest = [p for p in paths if not any(q.startswith(p + "__") for q in paths)]
    return [*deepest, *queryset._prefetch_related_lookups]


class ExportPlan:
    """How to read every exported column of `table` over its queryset, decided once."""

    def __init__(self, table, exclude=("actions",)):
        self.table = table
        queryset = table.data.data
        self.model = queryset.model
        self.columns = exported_columns(table, exclude)
        self.headers = [plain(c.header) for c in self.columns]
        self.annotations = list(queryset.query.annotation_select)
        self.lookups = _lookups(queryset)
        self.queryset_db = queryset.db
        paths, readers = [], []

        def position(path):
            if path not in paths:
                paths.append(path)
            return paths.index(path)

        for bound_column in self.columns:
            reader = self._fast_reader(bound_column, position)
            readers.append(reader)
        self.instance_columns = [i for i, r in enumerate(readers) if r is None]
        if self.instance_columns:
            self.attnames = [f.attname for f in self.model._meta.concrete_fields]
            self.instance_positions = [position(n) for n in (*self.attnames, *self.annotations)]
            for index in self.instance_columns:
                readers[index] = _Renderer(table, self.columns[index], self.model)
        self.readers = readers
        self.related_readers = [r for r in readers if isinstance(r, _RelatedReader)]
        self.paths = paths
        self.queryset = queryset.prefetch_related(None).values_list(*paths)

    def _fast_reader(self, bound_column, position):
        table, name = self.table, bound_column.name
        if hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}"):
            return None
        hook = self._hook_reader(bound_column, position)
        if hook is not None:
            return hook
        if not _shows_raw_value(table, bound_column):
            return None
        accessor = bound_column.accessor
        related = self._related_field(accessor)
        if related is not None and type(bound_column.column) is tables.Column:
            nested = [path[len(related.name) + 2:] for path in self.lookups if path.startswith(related.name + "__")]
            return _RelatedReader(position(related.attname), related, bool(bound_column.link), nested)
        if len(A(accessor).bits) == 1 and A(accessor).bits[0] in self.annotations:
            if type(bound_column.column) is not tables.Column:
                return None
            text = _collapse if bound_column.link else plain
            return _Reader(position(A(accessor).bits[0]),
                           lambda v: "" if v is None or v == "" else _typed(v) if isinstance(v, TYPED) else text(v))
        found = _field_path(self.model, accessor)
        if found is None:
            return None
        path, field, labels = found
        if labels and type(bound_column.column) is not tables.Column:
            return None
        if isinstance(field, models.DateTimeField) and type(bound_column.column) in (tables.Column,
                                                                                      tables.DateTimeColumn):
            connection = connections[self.queryset_db]
            if connection.vendor == "sqlite" and settings.USE_TZ:
                # the stored text itself (no converter per cell), turned into the reader's wall time below
                raw = Cast(F(path), output_field=models.TextField())  # text: no converter of the driver either
                return _Reader(position(raw), _sqlite_moments(timezone.get_current_timezone(), connection.timezone))
        formatter = _value_formatter(field, labels, bool(bound_column.link), type(bound_column.column))
        return None if formatter is None else _Reader(position(path), formatter)

    def _hook_reader(self, bound_column, position):
        """The column's own export hook (`export_fields` + `export_formatter()`, see `ExportColumn`), when every
        field it names is a stored field of the row (through forward foreign keys)."""
        column = bound_column.column
        if not isinstance(column, ExportColumn) or bound_column.link:
            return None
        fields = column.export_fields(bound_column)
        if not fields:
            return None
        paths = []
        for accessor in fields:
            found = _field_path(self.model, accessor)
            if found is None or found[2]:
                return None
            paths.append(found[0])
        formatter = column.export_formatter(bound_column)
        return _HookReader([position(path) for path in paths], formatter)

    def _related_field(self, accessor):
        """The forward foreign key an accessor names by itself (`service`), else None."""
        bits = A(accessor).bits
        if len(bits) != 1:
            return None
        try:
            field = self.model._meta.get_field(bits[0])
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one) \
                and field.target_field.primary_key:
            return field
        return None

    def count(self, upto):
        """The number of rows, counted up to `upto` at most (a bounded count: never a scan of a huge table)."""
        return self.queryset.order_by()[:upto].count()

    def _instances(self, chunk):
        """Model instances for the rows of a chunk (as the list's queryset would give them), related rows loaded."""
        model, db = self.model, self.queryset.db
        names = [*self.attnames, *self.annotations]
        positions = self.instance_positions
        plain_init = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))
        records = []
        for values in chunk:
            if plain_init:  # what Model.__init__ does with every concrete field given, without its overhead
                record = model.__new__(model)
                record.__dict__.update(zip(names, [values[p] for p in positions], strict=True))
                record._state = ModelState()
                record._state.adding, record._state.db = False, db
            else:
                own = [values[p] for p in positions]
                record = model.from_db(db, self.attnames, own[:len(self.attnames)])
                for name, value in zip(self.annotations, own[len(self.attnames):], strict=True):
                    setattr(record, name, value)
            records.append(record)
        if self.lookups:
            prefetch_related_objects(records, *self.lookups)
        return records

    def rows(self, chunk_size=CHUNK):
        """Every row of the list as exported cells, read chunk by chunk from a server-side cursor."""
        readers = self.readers
        chunk = []
        for values in self.queryset.iterator(chunk_size=chunk_size):
            chunk.append(values)
            if len(chunk) >= chunk_size:
                yield from self._cells(chunk, readers)
                chunk = []
        if chunk:
            yield from self._cells(chunk, readers)

    def _cells(self, chunk, readers):
        for reader in self.related_readers:
            reader.load(chunk)
        records = self._instances(chunk) if self.instance_columns else [None] * len(chunk)
        for values, record in zip(chunk, records, strict=True):
            yield [read(values, record) for read in readers]


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

    from .exports.xlsx_renderer import sheet_title

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
