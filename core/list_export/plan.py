"""How each column of a list is read for a file, decided once per export (`ExportPlan`), and the column hook
that lets a column class export itself from stored values (`ExportColumn`)."""

import re
from datetime import datetime, timedelta

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import F, prefetch_related_objects, signals
from django.db.models.base import ModelState
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tables2 import A
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from .cells import CHUNK, TYPED, _has_choices, _shows_raw_value, _typed, exported_columns, plain

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

