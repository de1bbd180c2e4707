"""Files read with a profile: core.tabular's CSV, XLSX and JSON readers with the profile's columns (a name that occurs
more than once kept once per occurrence), and a saved API response whose tickets lie at the profile's records path.
"""

import io
import json

from django.utils.translation import gettext as _t

from core.tabular import CsvReader, FileError, JsonReader, XlsxReader, normalise_name, undecoded_error

from .spec import REQUIRED, ProfileSpec, blank, lookup


class ProfileColumns:
    """core.tabular's header mapper for a profile: keeps the columns the profile reads under the profile's names
    (compared like ServPlan's own column names: case, spaces, dashes and underscores ignored); a name that occurs
    more than once is kept once per occurrence, and the reader takes the first non-empty of them."""

    def __init__(self, spec: ProfileSpec):
        self.spec = spec
        self.wanted = {}
        for source in spec.source_columns():
            self.wanted.setdefault(normalise_name(source), source)
        self.repeated = False

    def __call__(self, header):
        mapping, ignored, seen = {}, [], {}
        for index, name in enumerate(header):
            label = str(name if name is not None else "").strip()
            key = self.wanted.get(normalise_name(label))
            if key is None:
                if label:
                    ignored.append(label)
                continue
            count = seen.get(key, 0)
            seen[key] = count + 1
            mapping[index] = key if count == 0 else (key, count)
        self.repeated = any(count > 1 for count in seen.values())
        missing = [f for f in REQUIRED if not self.present(f, seen)]
        if missing:
            raise FileError(_t("Required column(s) missing: %(cols)s. Accepted names: %(names)s.") % {
                "cols": ", ".join(missing),
                "names": "; ".join(f"{f}: {'/'.join(self.spec.columns.get(f, ()))}" for f in missing)},
                field=",".join(missing))
        return mapping, ignored

    def present(self, name, seen) -> bool:
        if name == "created" and "created" not in self.spec.columns:
            return False
        if name == "priority" and not blank(self.spec.defaults.get("priority")):
            return True
        return any(source in seen for source in self.spec.columns.get(name, ()))

    def field_for(self, name):
        return self.wanted.get(normalise_name(name))


class ProfileReader:
    """A file read with a profile: CSV (any separator core.tabular recognises, the profile's encoding), XLSX, or
    JSON (an array, JSON Lines, or a saved response object with the list at `records_path`)."""

    def __init__(self, spec: ProfileSpec, fmt, fileobj, size=None):
        self.spec, self.fmt, self.fileobj, self.size = spec, fmt, fileobj, size
        self.header, self.ignored_columns = [], []
        self.inner = None
        self._done = self._total = 0

    def rows(self):
        if self.fmt == "json":
            yield from self._json()
        else:
            yield from self._table()

    def _table(self):
        columns = ProfileColumns(self.spec)
        reader_class = XlsxReader if self.fmt == "xlsx" else CsvReader
        self.inner = reader_class(self.fileobj, self.size, header_mapper=columns, encoding=self.spec.encoding)
        read = self.spec.read
        for number, row in self.inner.rows():
            if not self.header:
                self.header, self.ignored_columns = self.inner.header, self.inner.ignored_columns
            if columns.repeated:
                row = first_non_empty(row)
            yield number, read(row)
        self.header, self.ignored_columns = self.inner.header, self.inner.ignored_columns

    def _json(self):
        self.inner = JsonReader(self.fileobj, self.size, header_mapper=None)
        data = self._saved_response() if self.spec.records_path and self._is_object() else None
        objects = self.inner.objects() if data is None else self._items(data)
        read = self.spec.read
        for number, obj in objects:
            if not isinstance(obj, dict):
                raise FileError(_t("Item %(n)s is not an object.") % {"n": number}, row=number)
            if not self.header:
                self.header = [str(key) for key in obj]
            yield number, read(obj)

    def _is_object(self) -> bool:
        self.fileobj.seek(0)
        head = self.fileobj.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
        self.fileobj.seek(0)
        return head.startswith(b"{")

    def _saved_response(self):
        """A saved response read whole (one response page, or an export); None when the file is JSON Lines (one
        object per line) instead."""
        text_io = io.TextIOWrapper(self.fileobj, encoding="utf-8-sig")
        try:
            return json.load(text_io)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and exc.lineno > 1:
                return None
            raise FileError(_t("Line %(n)s is not valid JSON: %(err)s") % {"n": exc.lineno, "err": exc.msg},
                            row=exc.lineno) from None
        except UnicodeDecodeError:
            raise undecoded_error("UTF-8", 1, "") from None
        finally:
            text_io.detach()
            self.fileobj.seek(0)

    def _items(self, data):
        """The list at `records_path` of a saved response."""
        items = lookup(data, self.spec.records_path)
        if not isinstance(items, list):
            raise FileError(_t("The file has no list of tickets at “%(path)s”.") % {"path": self.spec.records_path},
                            field=self.spec.records_path)
        self._total = len(items)
        for number, item in enumerate(items, start=1):
            self._done = number
            yield number, item

    def fraction(self) -> float:
        if self._total:
            return min(self._done / self._total, 1.0)
        return self.inner.fraction() if self.inner is not None else 0.0


def first_non_empty(row: dict) -> dict:
    """A row whose header repeats a name (Jira's "Comment", "Labels", ...): the first non-empty value per name."""
    merged = {}
    for key, value in row.items():
        name = key[0] if isinstance(key, tuple) else key
        if blank(merged.get(name)):
            merged[name] = value
    return merged
