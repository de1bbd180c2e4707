"""Streaming readers for tabular files: CSV, XLSX and JSON, one row at a time.

Each reader yields ``(row_number, {canonical field: raw value})``; nothing
holds the whole file. Row numbers are what a person sees: the line of a CSV
file (header = 1), the row of the spreadsheet, the line of a JSON Lines file
or the item number (1-based) of a JSON array.

Which columns a table has is the caller's: a ``header_mapper`` lists the
canonical fields with the names accepted for each (English or Chinese); a name
is matched case-insensitively, ignoring spaces, dashes and underscores.

A file that cannot be read is a ``FileError`` naming the row and the column where reading stopped, never a
traceback: a CSV field over the csv module's limit, bytes that are not text in the file's encoding (wherever
they are, not only in the first 64 KB the encoding is guessed from), a damaged worksheet, and a formula cell
saved without its result (a workbook written by a program that does not calculate: read as a blank, a ticket
would look never answered).
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


# Bytes the decoder could not read, kept by errors="surrogateescape" as lone surrogates until a row names them.
UNDECODED = re.compile("[\udc80-\udcff]")


class FileError(Exception):
    """The file cannot be read (no header, missing required columns, broken JSON, unreadable bytes or cells)."""

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


def column_names(header) -> list:
    """A header's names as shown in a report."""
    return [str(name if name is not None else "").strip() for name in header]


def header_mapper(columns, required) -> HeaderMapper:
    """A header mapper for one kind of table (tickets, a customer's IT environment, ...)."""
    return HeaderMapper(columns, required)


class Reader:
    """Base: `rows()` yields (row_number, record); `ignored_columns` after the header; `fraction()` progress."""

    def __init__(self, fileobj, size=None, *, header_mapper, encoding=None):
        self.fileobj = fileobj
        self.size = size
        self.given_encoding = encoding  # CSV: the encoding to read with; None: guessed (UTF-8 or GB18030)
        self.header = []
        self.ignored_columns = []
        # The table's own columns: tickets, a customer's IT environment, ... (a HeaderMapper or any callable).
        self.map_header = header_mapper

    def read_header(self, header):
        """The column index -> field mapping of this header, as (index, field) pairs."""
        self.header = column_names(header)
        mapping, self.ignored_columns = self.map_header(header)
        return list(mapping.items())

    def column_name(self, index) -> str:
        """A column as the file names it (its header), for a report; "column 3" when the header has no name."""
        name = self.header[index] if index < len(self.header) else ""
        return name or _t("column %(n)s") % {"n": index + 1}

    def fraction(self) -> float:
        try:
            return min(self.fileobj.tell() / self.size, 1.0) if self.size else 0.0
        except (OSError, ValueError):
            return 0.0


class CsvReader(Reader):
    """UTF-8 (with or without BOM) or GB18030 text (guessed, unless the reader was given its encoding),
    comma/semicolon/tab separated (sniffed)."""

    ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GB18030"}
    GIVEN = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gb18030", "gb2312": "gb18030"}

    def rows(self):
        self.fileobj.seek(0)
        head = self.fileobj.read(65536)
        self.fileobj.seek(0)
        given = (self.given_encoding or "").lower()
        self.encoding = self.GIVEN.get(given, given) if given and given != "auto" else guess_encoding(head)
        sample = codecs.decode(head[:8192], self.encoding, errors="ignore")
        first_line = sample.splitlines()[0] if sample else ""
        self.delimiter = max(",;\t", key=first_line.count) if first_line else ","
        try:
            yield from self._records()
        except (csv.Error, UnicodeDecodeError):
            raise self.failure() from None

    def _records(self):
        text = io.TextIOWrapper(self.fileobj, encoding=self.encoding, newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        try:
            try:
                header = next(reader)
            except StopIteration:
                raise FileError(_t("The file is empty.")) from None
            items = self.read_header(header)
            for record in reader:
                if not any(record):
                    continue
                yield reader.line_num, {field: (record[i] if i < len(record) else "") for i, field in items}
        finally:
            text.detach()

    def failure(self) -> FileError:
        """Where reading broke off, and why: the file is read again up to there, this time keeping bytes that
        are not text (as lone surrogates) and each record's lines, so the report names the row and the column.
        Only a failed file pays for this."""
        self.fileobj.seek(0)
        text = io.TextIOWrapper(self.fileobj, encoding=self.encoding, errors="surrogateescape", newline="")
        record_lines = []

        def lines():
            for line in text:
                record_lines.append(line)
                yield line

        reader = csv.reader(lines(), delimiter=self.delimiter)
        try:
            for count, record in enumerate(reader):
                record_lines.clear()
                if UNDECODED.search("".join(record)):
                    index = next(i for i, value in enumerate(record) if UNDECODED.search(value))
                    name = self.ENCODING_NAMES.get(self.encoding, self.encoding.upper())
                    return undecoded_error(name, reader.line_num, self.column_name(index))
                if count == 0:  # the first pass may have broken off before the header (text is decoded in blocks)
                    self.header = column_names(record)
        except csv.Error as exc:
            limit = csv.field_size_limit()
            index = overlong_field("".join(record_lines), self.delimiter, limit)
            if index is None:
                return FileError(_t("The file cannot be read here: %(error)s") % {"error": exc}, row=reader.line_num)
            return FileError(_t("A value longer than %(limit)s characters, the most a CSV field may hold (often a "
                                "quotation mark left open): the file cannot be read.") % {"limit": limit},
                             row=reader.line_num, field=self.column_name(index))
        finally:
            text.detach()
        return FileError(_t("The file cannot be read."))  # it read the second time: it changed under us


def guess_encoding(head: bytes) -> str:
    """UTF-8 or GB18030, whichever reads further into the head of the file (UTF-8 when both read it all).

    A bad byte in a UTF-8 file is then reported where it is, not as a file that is all GB18030.
    """
    reach = {}
    for encoding in CsvReader.ENCODING_NAMES:
        try:  # incremental: a multi-byte character cut at the end of the head is fine
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError as exc:
            reach[encoding] = exc.start
    return max(reach, key=reach.get)


def undecoded_error(encoding, row, field) -> FileError:
    return FileError(_t("Bytes that are not %(encoding)s text: the file cannot be read. Save it as UTF-8 and "
                        "import it again.") % {"encoding": encoding}, row=row, field=field)


def overlong_field(text, delimiter, limit) -> int | None:
    """The index of the first field of a CSV record (quotation marks respected) longer than limit, if any."""
    index = length = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            index, length = index + 1, 0
        elif char not in "\r\n" or quoted:
            length += 1
            if length > limit:
                return index
    return None


class Uncalculated:
    """The value of a formula cell saved without its result: not a blank, and never read as one."""

    def __init__(self, coordinate):
        self.coordinate = coordinate

    def __repr__(self):
        return f"Uncalculated({self.coordinate})"


def uncalculated_message(cell) -> str:
    return _t("Cell %(cell)s: the file contains formulas that were never calculated; open and save it in Excel, "
              "or export values only.") % {"cell": cell.coordinate}


def open_workbook(fileobj):
    """An openpyxl workbook in read-only (streaming) mode; FileError when it must not or cannot be unpacked."""
    from openpyxl import load_workbook

    from .uploads import archive_problem

    problem = archive_problem(fileobj, getattr(fileobj, "name", "") or _t("The file"))
    if problem:
        raise FileError(problem)
    fileobj.seek(0)
    try:
        return load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileError(_t("The file is not an XLSX workbook.")) from exc


def sheet_rows(book):
    """(row number, tuple of values) of the first worksheet, streamed; a formula without its result is an
    `Uncalculated`. A worksheet that breaks off is a FileError on the row where it broke."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = Uncalculated(f"{get_column_letter(cell['column'])}{cell['row']}")
            return cell

    sheet = book.worksheets[0]
    # openpyxl's own streaming parser, as ReadOnlyWorksheet uses it, with one change: it tells a formula
    # cell without a result from a blank one (openpyxl 3.1 is pinned; tests/test_hostile_files checks this).
    with sheet._get_source() as source:
        parser = Parser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                        date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        rows, number = parser.parse(), 0
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet: zlib, XML or openpyxl errors of many kinds
                raise FileError(_t("The worksheet cannot be read after row %(n)s: %(error)s") % {
                    "n": number, "error": exc}, row=number + 1) from exc
            values = [None] * (cells[-1]["column"] if cells else 0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, tuple(values)


def xlsx_rows(fileobj):
    """(row number, values) of the first worksheet of an XLSX file (see sheet_rows)."""
    book = open_workbook(fileobj)
    try:
        yield from sheet_rows(book)
    finally:
        book.close()


class XlsxReader(Reader):
    """The first worksheet, streamed with openpyxl's read-only parser."""

    def rows(self):
        book = open_workbook(self.fileobj)
        try:
            self._rows_total = book.worksheets[0].max_row or 0
            self._row = 0
            values = sheet_rows(book)
            number, header = next(values, (1, None))
            if header is None:
                raise FileError(_t("The file is empty."))
            items = self.read_header(header)
            for number, record in values:
                self._row = number
                if not any(v not in (None, "") for v in record):
                    continue
                row = {field: (record[i] if i < len(record) else None) for i, field in items}
                for index, field in items:
                    if isinstance(row[field], Uncalculated):
                        raise FileError(uncalculated_message(row[field]), row=number, field=self.column_name(index))
                yield number, row
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
        return self._records(self.objects())

    def objects(self):
        """(item number, JSON value) of the file as read, unmapped (a profile reads its own paths in them)."""
        self.fileobj.seek(0)
        head = b""
        while not head.strip():
            chunk = self.fileobj.read(4096)
            if not chunk:
                raise FileError(_t("The file is empty."))
            head += chunk
        self.fileobj.seek(0)
        is_array = head.lstrip().lstrip(codecs.BOM_UTF8).lstrip().startswith(b"[")
        read = self._array if is_array else self._lines
        try:
            yield from read()
        except UnicodeDecodeError:
            # Read again up to there, keeping the bytes that are not UTF-8, to name the item and the key holding them.
            self.fileobj.seek(0)
            for _item in read(keep_undecoded=True):
                pass
            raise FileError(_t("The file cannot be read.")) from None  # it read the second time: it changed

    def _records(self, objects):
        mapping, fields = None, {}
        for number, obj in objects:
            if not isinstance(obj, dict):
                raise FileError(_t("Item %(n)s is not an object.") % {"n": number}, row=number)
            if mapping is None:
                mapping = self.read_header(list(obj))
            record = {}
            for key, value in obj.items():
                field = fields.get(key, "")
                if field == "":
                    field = fields[key] = self.map_header.field_for(key)
                if field is not None and field not in record:
                    record[field] = value
            yield number, record

    def undecoded(self, number, obj) -> FileError:
        """The item holding bytes that are not UTF-8, naming its first key whose name or value holds them."""
        keys = [key for key, value in obj.items() if UNDECODED.search(f"{key}{value}")] \
            if isinstance(obj, dict) else []
        return undecoded_error("UTF-8", number, keys[0].encode("utf-8", "replace").decode() if keys else "")

    def _array(self, keep_undecoded=False):
        decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="surrogateescape" if keep_undecoded else "strict")
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
            if keep_undecoded and UNDECODED.search(buffer, pos, end):
                raise self.undecoded(number, obj)
            pos = end
            yield number, obj

    def _lines(self, keep_undecoded=False):
        text = io.TextIOWrapper(self.fileobj, encoding="utf-8-sig", newline=None,
                                errors="surrogateescape" if keep_undecoded else "strict")
        try:
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FileError(_t("Line %(n)s is not valid JSON: %(err)s") % {"n": number, "err": exc.msg},
                                    row=number) from None
                if keep_undecoded and UNDECODED.search(line):
                    raise self.undecoded(number, obj)
                yield number, obj
        finally:
            text.detach()


READERS = {"csv": CsvReader, "xlsx": XlsxReader, "json": JsonReader}


def guess_format(name: str) -> str | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"csv": "csv", "txt": "csv", "xlsx": "xlsx", "json": "json", "jsonl": "json",
            "ndjson": "json"}.get(extension)


def open_reader(fmt, fileobj, size=None, *, header_mapper, encoding=None) -> Reader:
    return READERS[fmt](fileobj, size, header_mapper=header_mapper, encoding=encoding)
