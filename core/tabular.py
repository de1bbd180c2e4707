"""Streaming readers for tabular files: CSV, XLSX and JSON, one row at a time.

Each reader yields ``(row_number, {canonical field: raw value})``; nothing
holds the whole file. Row numbers are what a person sees: the line of a CSV
file (header = 1), the row of the spreadsheet, the line of a JSON Lines file
or the item number (1-based) of a JSON array.

Which columns a table has is the caller's: a ``header_mapper`` lists the
canonical fields with the names accepted for each (English or Chinese); a name
is matched case-insensitively, ignoring spaces, dashes and underscores.
"""

import codecs
import csv
import io
import json
import re

from django.utils.translation import gettext as _t


def normalise_name(name) -> str:
    """A column name as compared: no surrounding space or BOM, no inner spaces, dashes or underscores, lower case."""
    return re.sub(r"[\s_\-]+", "", str(name or "").strip().lstrip("\ufeff")).lower()


class FileError(Exception):
    """The file as a whole cannot be read (no header, missing required columns, broken JSON)."""

    def __init__(self, message, row=1, field=""):
        super().__init__(message)
        self.row, self.field, self.message = row, field, message


class HeaderMapper:
    """Maps a file's header to canonical fields: {canonical field: accepted names}, the fields that must be present.

    Called with a header it returns ({column index: field}, [ignored column names]) or raises FileError
    naming the missing columns and the names accepted for them.
    """

    def __init__(self, columns, required):
        self.columns, self.required = columns, required
        self.aliases = {normalise_name(alias): field for field, names in columns.items() for alias in names}

    def field_for(self, name) -> str | None:
        return self.aliases.get(normalise_name(name))

    def __call__(self, header):
        mapping, ignored, seen = {}, [], set()
        for index, name in enumerate(header):
            field = self.field_for(name)
            if field is None or field in seen:
                if str(name or "").strip():
                    ignored.append(str(name))
                continue
            mapping[index] = field
            seen.add(field)
        missing = [f for f in self.required if f not in seen]
        if missing:
            raise FileError(_t("Required column(s) missing: %(cols)s. Accepted names: %(names)s.") % {
                "cols": ", ".join(missing),
                "names": "; ".join(f"{f}: {'/'.join(self.columns[f])}" for f in missing)}, field=",".join(missing))
        return mapping, ignored


def header_mapper(columns, required) -> HeaderMapper:
    """A header mapper for one kind of table (tickets, a customer's IT environment, ...)."""
    return HeaderMapper(columns, required)


class Reader:
    """Base: `rows()` yields (row_number, record); `header_info` holds ignored columns; `fraction()` progress."""

    def __init__(self, fileobj, size=None, *, header_mapper):
        self.fileobj = fileobj
        self.size = size
        self.ignored_columns = []
        # The table's own columns: tickets, a customer's IT environment, ... (a HeaderMapper or any callable).
        self.map_header = header_mapper

    def fraction(self) -> float:
        try:
            return min(self.fileobj.tell() / self.size, 1.0) if self.size else 0.0
        except (OSError, ValueError):
            return 0.0


class CsvReader(Reader):
    """UTF-8 (with or without BOM) or GB18030 text, comma/semicolon/tab separated (sniffed)."""

    def rows(self):
        self.fileobj.seek(0)
        head = self.fileobj.read(65536)
        self.fileobj.seek(0)
        encoding = "utf-8-sig"
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:
                encoding = "gb18030"
        text = io.TextIOWrapper(self.fileobj, encoding=encoding, newline="")
        sample = codecs.decode(head[:8192], encoding, errors="ignore")
        first_line = sample.splitlines()[0] if sample else ""
        delimiter = max(",;\t", key=first_line.count) if first_line else ","
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise FileError(_t("The file is empty.")) from None
        mapping, self.ignored_columns = self.map_header(header)
        items = list(mapping.items())
        try:
            for record in reader:
                if not any(record):
                    continue
                yield reader.line_num, {field: (record[i] if i < len(record) else "") for i, field in items}
        finally:
            text.detach()


class XlsxReader(Reader):
    """The first worksheet, read with openpyxl's read-only (streaming) mode."""

    def rows(self):
        from openpyxl import load_workbook

        from .uploads import archive_problem

        problem = archive_problem(self.fileobj, getattr(self.fileobj, "name", "") or _t("The file"))
        if problem:
            raise FileError(problem)
        self.fileobj.seek(0)
        book = load_workbook(self.fileobj, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            self._rows_total = sheet.max_row or 0
            self._row = 0
            values = sheet.iter_rows(values_only=True)
            header = next(values, None)
            if header is None:
                raise FileError(_t("The file is empty."))
            mapping, self.ignored_columns = self.map_header(header)
            items = list(mapping.items())
            for number, record in enumerate(values, start=2):
                self._row = number
                if not any(v not in (None, "") for v in record):
                    continue
                yield number, {field: (record[i] if i < len(record) else None) for i, field in items}
        finally:
            book.close()

    def fraction(self) -> float:
        total = getattr(self, "_rows_total", 0)
        return min(self._row / total, 1.0) if total else 0.0


class JsonReader(Reader):
    """A JSON array of objects, read in chunks with raw_decode, or JSON Lines (one object per line).

    Object keys follow the same column names as CSV (the header mapper's ``field_for``); a value may be any JSON
    value, e.g. a list of {"start": ..., "end": ...} objects.
    """

    CHUNK = 1 << 16

    def rows(self):
        self.fileobj.seek(0)
        head = b""
        while not head.strip():
            chunk = self.fileobj.read(4096)
            if not chunk:
                raise FileError(_t("The file is empty."))
            head += chunk
        self.fileobj.seek(0)
        is_array = head.lstrip().lstrip(codecs.BOM_UTF8).lstrip().startswith(b"[")
        objects = self._array() if is_array else self._lines()
        mapping, fields = None, {}
        for number, obj in objects:
            if not isinstance(obj, dict):
                raise FileError(_t("Item %(n)s is not an object.") % {"n": number}, row=number)
            if mapping is None:
                mapping, self.ignored_columns = self.map_header(list(obj))
            record = {}
            for key, value in obj.items():
                field = fields.get(key, "")
                if field == "":
                    field = fields[key] = self.map_header.field_for(key)
                if field is not None and field not in record:
                    record[field] = value
            yield number, record

    def _array(self):
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        json_decoder = json.JSONDecoder()
        buffer, pos, number, more = "", 0, 0, True

        def refill():
            nonlocal buffer, pos, more
            chunk = self.fileobj.read(self.CHUNK)
            more = bool(chunk)
            buffer, pos = buffer[pos:] + decoder.decode(chunk, final=not more), 0

        def skip(chars):
            nonlocal pos
            while True:
                while pos < len(buffer) and buffer[pos] in chars:
                    pos += 1
                if pos < len(buffer) or not more:
                    return
                refill()

        skip(" \t\r\n")
        pos += 1  # the opening bracket
        while True:
            skip(" \t\r\n,")
            if pos >= len(buffer):
                raise FileError(_t("The JSON array is not closed."), row=number + 1)
            if buffer[pos] == "]":
                return
            while True:
                try:
                    obj, end = json_decoder.raw_decode(buffer, pos)
                    if end < len(buffer) or not more:
                        break
                except json.JSONDecodeError as exc:
                    if not more:
                        raise FileError(_t("Item %(n)s is not valid JSON: %(err)s") % {
                            "n": number + 1, "err": exc.msg}, row=number + 1) from None
                refill()
            number += 1
            pos = end
            yield number, obj

    def _lines(self):
        text = io.TextIOWrapper(self.fileobj, encoding="utf-8-sig", newline=None)
        try:
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FileError(_t("Line %(n)s is not valid JSON: %(err)s") % {"n": number, "err": exc.msg},
                                    row=number) from None
                yield number, obj
        finally:
            text.detach()


READERS = {"csv": CsvReader, "xlsx": XlsxReader, "json": JsonReader}


def guess_format(name: str) -> str | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"csv": "csv", "txt": "csv", "xlsx": "xlsx", "json": "json", "jsonl": "json",
            "ndjson": "json"}.get(extension)


def open_reader(fmt, fileobj, size=None, *, header_mapper) -> Reader:
    return READERS[fmt](fileobj, size, header_mapper=header_mapper)
