"""Lists at scale: keyset (cursor) pages past the first few, and counts that never scan a large table.

A list ordered by concrete, non-null columns of its own table (the model's ordering or the column the reader sorted
by) is keyset-capable once the primary key ends its ordering (added when missing). Its first pages keep their
numbers (read by OFFSET, bounded to `NUMBERED_ROWS` rows deep) for a reader who jumps; "next" and "previous" always
carry an opaque cursor (the ordering's values of the boundary row, signed) and read `WHERE (key) < (values) …
LIMIT n` through the index that serves the order: page 40,000 costs what page 1 costs, and rows written while
someone pages neither repeat nor skip a row. "Last" reads the reversed order. A cursor that is forged,
stale (another ordering) or unreadable gives the first page, never an error. Orders that cannot be keyset (a
related or nullable column, an annotation) keep the bounded page numbers.

Counts: exact up to `COUNT_CAP` rows (a count over a LIMITed subquery reads at most that many); above it the
planner's estimate on PostgreSQL ("about 1,000,000") and "more than 10,000" on SQLite.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext

COUNT_CAP = 10_000  # counted exactly up to here; above it estimated
NUMBERED_ROWS = 10_000  # page numbers reach this many rows deep; past them the cursor takes over
CURSOR_SALT = "core.pagination.cursor"
AFTER, BEFORE, LAST = "a", "b", "z"


# ---- counts -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowCount:
    """How many rows a list has: exact, about (the planner's estimate) or more than (a capped count)."""

    value: int
    kind: str = "exact"  # "exact", "about", "more"

    @property
    def is_estimate(self):
        return self.kind != "exact"

    def __str__(self):
        shown = number_format(self.value, force_grouping=True)
        if self.kind == "about":
            return ngettext("about %(count)s row", "about %(count)s rows", self.value) % {"count": shown}
        if self.kind == "more":
            return ngettext("more than %(count)s row", "more than %(count)s rows", self.value) % {"count": shown}
        return ngettext("%(counter)s row", "%(counter)s rows", self.value) % {"counter": shown}


def count_rows(queryset, cap=None) -> RowCount:
    """Exact below `cap` (reading at most cap+1 rows); above it PostgreSQL's estimate, or "more than cap"."""
    cap = COUNT_CAP if cap is None else cap
    if not isinstance(queryset, QuerySet):
        return RowCount(len(queryset))
    keys = queryset.order_by().values("pk")
    capped = keys[:cap + 1].count()
    if capped <= cap:
        return RowCount(capped)
    if connections[queryset.db].vendor == "postgresql":
        return RowCount(max(_rounded(planner_rows(keys)), cap + 1), "about")
    return RowCount(cap, "more")


def planner_rows(queryset) -> int:
    """The planner's row estimate for a query (EXPLAIN, nothing executed): reltuples and statistics at work."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str | bytes):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _rounded(value):
    """An estimate shown with two significant digits (1,034,211 -> 1,000,000): it is not exact, do not say so."""
    if value < 100:
        return value
    scale = 10 ** (int(math.log10(value)) - 1)
    return round(value / scale) * scale


# ---- keyset -----------------------------------------------------------------------------------------------------

def keyset_ordering(queryset):
    """The ordering as [(field, descending)] ending in the primary key, or None when it cannot be a keyset.

    Only concrete non-null columns of the model itself qualify: a related column orders by the other model's
    ordering and NULLs sort differently on each database, so both keep the bounded page numbers.
    """
    if not isinstance(queryset, QuerySet) or queryset.query.extra_order_by:
        return None
    query = queryset.query
    names = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    meta, fields = queryset.model._meta, []
    for name in names:
        if not isinstance(name, str) or name == "?":
            return None
        descending = name.startswith("-")
        name = name.lstrip("-+")
        if name == "pk":
            name = meta.pk.name
        if name in query.annotations:
            return None
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.null or (field.is_relation and not field.primary_key):
            return None
        if any(existing == field.attname for existing, _desc in fields):
            continue
        fields.append((field.attname, descending))
        if field.primary_key:
            return fields  # unique: anything after it never decides an order
    fields.append((meta.pk.attname, fields[-1][1] if fields else False))
    return fields


def ordering_label(fields):
    return ",".join(("-" if desc else "") + name for name, desc in fields)


def beyond(queryset, fields, values, forward=True):
    """Rows strictly after `values` in the ordering (before them with forward=False).

    (a, b, id) < (x, y, z) written as a <= x AND (a < x OR a = x AND b < y OR …): the leading bound lets the index
    that serves the order start at the cursor; the rest only settles ties.
    """
    first, first_desc = fields[0]
    lead = "lte" if first_desc == forward else "gte"
    condition, equal = Q(), {}
    for (name, descending), value in zip(fields, values, strict=True):
        condition |= Q(**equal, **{f"{name}__{'lt' if descending == forward else 'gt'}": value})
        equal[name] = value
    return queryset.filter(Q(**{f"{first}__{lead}": values[0]}) & condition)


def in_order(queryset, fields, forward=True):
    return queryset.order_by(*[("-" if desc == forward else "") + name for name, desc in fields])


def row_values(row, fields):
    if isinstance(row, dict):
        return [row[name] for name, _desc in fields]
    return [getattr(row, name) for name, _desc in fields]


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def encode_cursor(kind, fields, values=()):
    return signing.dumps({"k": kind, "o": ordering_label(fields), "v": [_plain(v) for v in values]},
                         salt=CURSOR_SALT, compress=True)


def decode_cursor(token, queryset, fields):
    """(kind, values) of a cursor made for this ordering, or None for anything else (forged, stale, unreadable)."""
    if not token or fields is None:
        return None
    try:
        data = signing.loads(token, salt=CURSOR_SALT)
        kind, label, raw = data["k"], data["o"], data["v"]
        if label != ordering_label(fields) or kind not in (AFTER, BEFORE, LAST):
            return None
        if kind == LAST:
            return kind, []
        if len(raw) != len(fields):
            return None
        columns = {field.attname: field for field in queryset.model._meta.concrete_fields}
        values = [columns[name].to_python(value) for (name, _d), value in zip(fields, raw, strict=True)]
        if any(value is None for value in values):
            return None
        return kind, values
    except (signing.BadSignature, KeyError, TypeError, ValueError, ValidationError):
        return None


@dataclass
class Window:
    """One page of rows read by keyset, and the cursors around it."""

    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    at_start: bool = False  # reading backwards reached the first row: show page 1 instead


def read_window(queryset, fields, kind, values, size):
    """The rows after / before a cursor or the last page; size+1 rows read to know whether more follow."""
    if kind == AFTER:
        rows = list(in_order(beyond(queryset, fields, values), fields)[:size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return Window(rows, encode_cursor(AFTER, fields, row_values(rows[-1], fields)) if more else None,
                      encode_cursor(BEFORE, fields, row_values(rows[0], fields)) if rows else
                      encode_cursor(BEFORE, fields, values))
    source = beyond(queryset, fields, values, forward=False) if kind == BEFORE else queryset
    rows = list(in_order(source, fields, forward=False)[:size + 1])
    more = len(rows) > size
    rows = rows[:size][::-1]
    if kind == BEFORE and not more:
        return Window([], None, None, at_start=True)
    next_cursor = encode_cursor(AFTER, fields, row_values(rows[-1], fields)) if rows and kind == BEFORE else None
    return Window(rows, next_cursor, encode_cursor(BEFORE, fields, row_values(rows[0], fields)) if more else None)


# ---- the page-side paginator (django-tables2) -------------------------------------------------------------------

class KeysetPaginator(Paginator):
    """A django-tables2 paginator: numbered pages up to NUMBERED_ROWS deep, cursors beyond, estimated counts.

    `object_list` is the table's BoundRows; `cursor` and `request` come from BoundedTableMixin.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, cursor=None, request=None,
                 cursor_field="cursor", page_field="page"):
        super().__init__(object_list, per_page, 0, True)
        self.request, self.cursor = request, cursor
        self.cursor_field, self.page_field = cursor_field, page_field
        source = getattr(getattr(object_list, "data", None), "data", object_list)  # BoundRows -> TableData -> data
        self.queryset = source if isinstance(source, QuerySet) else None
        self.fields = keyset_ordering(self.queryset) if self.queryset is not None else None
        if self.fields is not None:  # the order the cursors assume, ties settled by the key (not by chance)
            self.queryset = source = in_order(self.queryset, self.fields)
        self.source = source

    @property
    def row_count(self) -> RowCount:
        if not hasattr(self, "_row_count"):
            self._row_count = count_rows(self.source)
        return self._row_count

    @property
    def count(self):
        return self.row_count.value

    @property
    def count_is_estimate(self):
        return self.row_count.is_estimate

    @property
    def numbered_pages(self):
        """How many pages carry a number: all of them in a small list, NUMBERED_ROWS deep in a large one."""
        return max(1, min(self.num_pages, NUMBERED_ROWS // self.per_page))

    def page(self, number):
        decoded = decode_cursor(self.cursor, self.queryset, self.fields)
        if decoded is not None:
            window = read_window(self.queryset, self.fields, *decoded, self.per_page)
            if not window.at_start:
                return KeysetPage(self._bind(window.rows), None, self, window.next_cursor, window.previous_cursor)
            number = 1
        try:
            number = min(max(int(number), 1), self.numbered_pages)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        records = list(self.source[bottom:bottom + self.per_page + 1])
        more, records = len(records) > self.per_page, records[:self.per_page]
        more = more and (self.fields is not None or number < self.numbered_pages)  # never a page past the bound
        next_cursor = previous_cursor = None
        if self.fields is not None and records:  # next/previous by cursor: rows written meanwhile shift nothing
            next_cursor = encode_cursor(AFTER, self.fields, row_values(records[-1], self.fields)) if more else None
            if number > 1:
                previous_cursor = encode_cursor(BEFORE, self.fields, row_values(records[0], self.fields))
        return KeysetPage(self._bind(records), number, self, next_cursor, previous_cursor, more=more)

    def _bind(self, records):
        rows = self.object_list
        if hasattr(rows, "table"):
            from django_tables2.rows import BoundRows

            return BoundRows(data=records, table=rows.table, pinned_data=rows.pinned_data)
        return records

    def url(self, **params):
        query = self.request.GET.copy() if self.request is not None else {}
        if hasattr(query, "pop"):
            query.pop(self.cursor_field, None)
            query.pop(self.page_field, None)
        for key, value in params.items():
            query[key] = value
        return "?" + query.urlencode() if hasattr(query, "urlencode") else "?"


class KeysetPage(Page):
    """A page with links: numbered while in the numbered range, cursors beyond it; `number` is None there."""

    def __init__(self, object_list, number, paginator, next_cursor=None, previous_cursor=None, more=None):
        super().__init__(object_list, number, paginator)
        self.next_cursor, self.previous_cursor, self.more = next_cursor, previous_cursor, more

    def has_next(self):
        if self.number is None:
            return self.next_cursor is not None
        return bool(self.more)

    def has_previous(self):
        if self.number is None:
            return self.previous_cursor is not None
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return 0 if self.number is None else super().start_index()

    def end_index(self):
        return 0 if self.number is None else super().end_index()

    @property
    def links(self):
        """(label, url or None, active, role) for the paginator template, in reading order."""
        paginator, number, url = self.paginator, self.number, self.paginator.url
        cursor_field, page_field = paginator.cursor_field, paginator.page_field
        links = []
        if number is None and self.has_previous():
            links.append((_t("First"), url(**{page_field: 1}), False, "first"))
        if self.has_previous():
            links.append((_t("Previous"), url(**{cursor_field: self.previous_cursor}) if self.previous_cursor
                          else url(**{page_field: number - 1}), False, "previous"))
        if number is not None and paginator.numbered_pages > 1:
            links += [(str(page) if page else "…", url(**{page_field: page}) if page else None, page == number, "page")
                      for page in _window(number, paginator.numbered_pages)]
        if self.has_next():
            links.append((_t("Next"), url(**{cursor_field: self.next_cursor}) if self.next_cursor
                          else url(**{page_field: number + 1}), False, "next"))
            if paginator.fields is not None and (number is None or paginator.num_pages > paginator.numbered_pages):
                links.append((_t("Last"), url(**{cursor_field: encode_cursor(LAST, paginator.fields)}), False, "last"))
        return links


def _window(number, last, around=2):
    """Page numbers to show: the first, the last, and a few around the current one, 0 for an ellipsis."""
    shown = sorted({1, last, *range(max(1, number - around), min(last, number + around) + 1)})
    pages, previous = [], 0
    for page in shown:
        if page - previous > 1:
            pages.append(0)
        pages.append(page)
        previous = page
    return pages
