"""The built-in import profiles: one JSON file per service desk export or API in `builtin/` (the format is
`servicedata.intake.spec`'s), each written from the tool's published field documentation (its `docs`).

A file is recognised from its header: the built-in whose `signature` columns the header holds (the longest
signature wins, so a specific export beats a general one).
"""

import builtins
import codecs
import csv
import io
import json
from functools import cache
from pathlib import Path

from core.tabular import FileError, JsonReader, guess_encoding, normalise_name, xlsx_rows

from ..choices import ConnectorKind
from .spec import ProfileSpec, lookup

FOLDER = Path(__file__).with_name("builtin")
ORDER = ("servplan", "servicenow-table", "servicenow-rest", "jira-csv", "jira-rest", "zendesk-csv", "glpi-csv",
         "glpi-rest", "itop-csv", "zammad-rest", "zentao-csv")
CONNECTOR_PROFILES = {ConnectorKind.SERVICENOW: "servicenow-rest", ConnectorKind.JIRA: "jira-rest",
                      ConnectorKind.GLPI: "glpi-rest", ConnectorKind.ZAMMAD: "zammad-rest"}


@cache
def _profiles() -> dict:
    found = {}
    for path in sorted(FOLDER.glob("*.json")):
        spec = ProfileSpec.from_dict(json.loads(path.read_text(encoding="utf-8")))
        found[spec.key] = spec
    rank = {key: i for i, key in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def all() -> list[ProfileSpec]:  # the module's public name, as in the plan (builtins.all below)
    return list(_profiles().values())


def get(key: str) -> ProfileSpec:
    """The built-in profile `key`; KeyError when there is none."""
    return _profiles()[key]


def choices() -> list[tuple[str, str]]:
    return [(spec.key, spec.name) for spec in all()]


def for_connector(kind) -> ProfileSpec:
    """The REST profile a connector of this kind reads its responses with."""
    return get(CONNECTOR_PROFILES[kind])


def recognise(header, fmt=None) -> ProfileSpec | None:
    """The built-in whose signature columns the header all holds (names compared like column names: case,
    spaces, dashes and underscores ignored), the longest signature first; with `fmt`, only profiles that read
    that format (a CSV profile reads the same table saved as XLSX). None when none fits."""
    names = {normalise_name(name) for name in header if name is not None}
    best = None
    for spec in all():
        if fmt and table(spec.format) != table(fmt) or not spec.signature:
            continue
        if all_in(spec.signature, names) and (best is None or len(spec.signature) > len(best.signature)):
            best = spec
    return best


def table(fmt) -> bool:
    return fmt in ("csv", "xlsx")


def all_in(signature, names) -> bool:
    """Whether names hold every signature column ("id|2": either name, e.g. an object's key or a search
    option's id)."""
    return builtins.all(any(normalise_name(name) in names for name in column.split("|")) for column in signature)


def file_header(fmt, fileobj) -> list[str]:
    """The column names a file starts with, as `recognise` compares them: a CSV file's first line (encoding
    guessed, separator sniffed), a workbook's first row, or the keys of the first object of a JSON file (in a
    saved response, the first object of the list at any built-in's `records_path`). Empty when it cannot be read."""
    try:
        if fmt == "csv":
            return _csv_header(fileobj)
        if fmt == "xlsx":
            _number, values = next(xlsx_rows(fileobj), (1, ()))
            return [str(v).strip() for v in values if v is not None]
        if fmt == "json":
            return _json_header(fileobj)
    except (FileError, ValueError, UnicodeDecodeError, csv.Error):
        return []
    finally:
        fileobj.seek(0)
    return []


def _csv_header(fileobj):
    fileobj.seek(0)
    head = fileobj.read(65536)
    text = codecs.decode(head, guess_encoding(head), errors="ignore").lstrip("\ufeff")
    line = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=line.count)
    return [name.strip() for name in next(csv.reader([line], delimiter=delimiter), [])]


def _json_header(fileobj):
    fileobj.seek(0)
    head = fileobj.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
    fileobj.seek(0)
    if head.startswith(b"{"):
        wrapper = io.TextIOWrapper(fileobj, encoding="utf-8-sig")
        try:
            data = json.load(wrapper)
        except json.JSONDecodeError:
            data = None
        finally:
            wrapper.detach()
        if data is None:  # JSON Lines: the first line's object
            fileobj.seek(0)
            data = json.loads(fileobj.readline().decode("utf-8-sig") or "null")
        paths = dict.fromkeys(spec.records_path for spec in all() if spec.records_path)
        for path in paths:
            items = lookup(data, path)
            if isinstance(items, list):
                return next(([str(k) for k in item] for item in items if isinstance(item, dict)), [])
        return [str(k) for k in data] if isinstance(data, dict) else []
    for _number, obj in JsonReader(fileobj, header_mapper=None).objects():
        return [str(k) for k in obj] if isinstance(obj, dict) else []
    return []


def sniff(fmt, fileobj) -> ProfileSpec | None:
    """The built-in profile a file is recognised as, from its header (see file_header and recognise)."""
    return recognise(file_header(fmt, fileobj), fmt)
