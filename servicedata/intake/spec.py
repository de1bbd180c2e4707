"""An import profile as the reader uses it: `ProfileSpec`, the same data whether it comes from an approved
`ImportProfile` version or from a built-in profile file (`builtin/<key>.json`).

The data (JSON, as in the built-in files; every key optional except `columns`):

    {"key": "servicenow-table", "name": "ServiceNow incident export (CSV/XLSX)", "tool": "servicenow",
     "format": "csv", "encoding": "auto", "records_path": "", "external_system": "servicenow",
     "time_zone": "", "date_formats": ["%Y-%m-%d %H:%M:%S"],
     "columns": {"external_id": ["number"], "priority": ["priority"], "created": ["opened_at"], ...},
     "defaults": {"priority": "P4"},
     "values": {"priority": {"1 - Critical": "P1", "5 - Planning": "exclude"}, "status": {"7": "closed"}},
     "first_response_statuses": ["2", "In Progress"], "pause_statuses": ["3", "On Hold"],
     "rules": {"close_before_resolve": "repair"},
     "signature": ["number", "opened_at", "priority", "state"], "docs": "https://..."}

`columns` maps a ticket field (`servicedata.choices.ProfileField`) to source column names or JSON paths
(`fields.priority.name`; the first non-empty wins). Values pass through `values` (unmapped values go on to the
normaliser's own aliases; "exclude" leaves the row out as an `excluded_value` finding). Times are parsed with
ISO 8601 first, then `date_formats` in order; a time without an offset is read in `time_zone` (empty: the
contract calendar's). `first_response_minutes` (Zendesk's "First reply time in minutes") gives the first
response as creation plus minutes. `pause_start`/`pause_end` give one pause per row; `pauses` the ServPlan
"start/end; ..." text. A record that carries a status history (`HISTORY`: a list of {"at": time, "status": source
status}, put there by a connector or the webhook) gets its first response from the first entry into one of
`first_response_statuses` and its pauses from the intervals spent in `pause_statuses`, unless a column gives them.

What the reader yields is a *canonical record*: the keys the normaliser reads (`servicedata.columns.COLUMNS`:
external_id, external_system, kind, priority, status, category, summary, configuration_item, service, security,
created, first_response, resolved, closed, pauses) with values mapped and times parsed, plus `ORIGINAL` (the raw
source values of the mapped fields, for the quality report) and `EXCLUDED` ((field, raw value) when a value map
said "exclude").
"""

import hashlib
import json
import re
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.tabular import normalise_name

from ..choices import ProfileField
from .quality import Policy
from .times import parse_text_time

HISTORY = "_history"
ORIGINAL = "_original"
EXCLUDED = "_excluded"
EXCLUDE = "exclude"

# How each field is read: times parsed, minutes counted from creation, pauses as intervals; the rest are values
# (passed through the profile's value map, then on to the normaliser's own aliases).
TIMES = frozenset({"created", "first_response", "resolved", "closed", "updated", "pause_start", "pause_end"})
REQUIRED = ("external_id", "created", "priority")
ZERO_DATE = "0000-00-00"  # a table without a column for these cannot be read


@dataclass(frozen=True)
class ProfileSpec:
    columns: dict  # {field: [source column names or JSON paths]}
    key: str = ""
    name: str = ""
    tool: str = "other"
    format: str = "csv"
    encoding: str = "auto"
    records_path: str = ""
    external_system: str = ""
    time_zone: str = ""
    date_formats: tuple = ()
    defaults: dict = field(default_factory=dict)  # {field: code or value used when blank or unknown}
    values: dict = field(default_factory=dict)  # {field: {source value: code or "exclude"}}
    first_response_statuses: tuple = ()
    pause_statuses: tuple = ()
    rules: dict = field(default_factory=dict)  # {anomaly: action}
    signature: tuple = ()  # built-in profiles: the column names that recognise a file as this tool's
    docs: str = ""  # built-in profiles: the published field documentation they were written from

    # ---- the data ---------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict) -> "ProfileSpec":
        data = dict(data)
        data["columns"] = {f: [c] if isinstance(c, str) else list(c) for f, c in data.get("columns", {}).items()}
        for name in ("date_formats", "first_response_statuses", "pause_statuses", "signature"):
            data[name] = tuple(data.get(name) or ())
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_dict(self) -> dict:
        data = asdict(self)
        for name in ("date_formats", "first_response_statuses", "pause_statuses", "signature"):
            data[name] = list(data[name])
        return data

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    @classmethod
    def from_profile(cls, profile) -> "ProfileSpec":
        """The spec of an ImportProfile version (its columns, values and rules rows)."""
        columns, defaults, values = {}, {}, {}
        for row in profile.columns.all():
            columns[row.field] = [c.strip() for c in row.column.split("|") if c.strip()]
            if row.default:
                defaults[row.field] = row.default
        for row in profile.values.all():
            values.setdefault(row.field, {})[row.value] = row.code
        return cls(columns=columns, key=f"profile-{profile.pk}", name=str(profile), tool=profile.tool,
                   format=profile.format, encoding=profile.encoding, records_path=profile.records_path,
                   external_system=profile.external_system, time_zone=profile.time_zone,
                   date_formats=tuple(profile.date_formats or ()), defaults=defaults, values=values,
                   first_response_statuses=tuple(profile.first_response_statuses or ()),
                   pause_statuses=tuple(profile.pause_statuses or ()),
                   rules={r.anomaly: r.action for r in profile.rules.all()})

    def policy(self) -> Policy:
        return Policy(rules=dict(self.rules), defaults=dict(self.defaults))

    def fields(self) -> list[str]:
        return [f for f in ProfileField.values if f in self.columns]

    # ---- reading ----------------------------------------------------------------------------------

    def open_reader(self, fmt=None, fileobj=None, size=None):
        """A streaming reader of a file in this profile's shape (intake.files.ProfileReader): `rows()` yields
        (number, canonical record)."""
        from .files import ProfileReader

        return ProfileReader(self, fmt or self.format, fileobj, size)

    def records(self, items):
        """(number, canonical record) for a list of source objects (1-based, as a person counts them)."""
        for number, raw in enumerate(items, start=1):
            yield number, self.read(raw if isinstance(raw, dict) else {})

    def items(self, data) -> list:
        """The list of source objects in a saved response: the value at `records_path` (the response itself when
        it is a list)."""
        if isinstance(data, list):
            return data
        found = lookup(data, self.records_path) if self.records_path else None
        return found if isinstance(found, list) else []

    def read(self, raw: dict) -> dict:
        """One source object (a table row by column name, or a JSON object) as a canonical record."""
        record, original, excluded = {}, {}, None
        for name, sources in self.columns.items():
            value = None
            for source in sources:
                value = lookup(raw, source)
                if name in TIMES and isinstance(value, str) and value.startswith(ZERO_DATE):
                    value = None  # MySQL's "no date" (ZenTao, GLPI exports)
                if not blank(value):
                    break
            if blank(value):
                value = self.defaults.get(name)
                if blank(value):
                    continue
            else:
                original[name] = shown(value)
            if name in TIMES:
                record[name] = self.parse_time(value)
            elif name in ("first_response_minutes", "pauses"):
                record[name] = value
            else:
                code = self.value_map(name, value)
                if code == EXCLUDE:
                    excluded = excluded or (name, text(value))
                    record[name] = value
                else:
                    record[name] = value if code is None else code
        self._derive(raw, record)
        record[ORIGINAL] = original
        if excluded:
            record[EXCLUDED] = excluded
        return record

    def _derive(self, raw, record):
        """First response from minutes or the status history; pauses from start/end columns, the pauses text or
        the status history (a column, when the source has one, wins)."""
        created = record.get("created")
        minutes = record.pop("first_response_minutes", None)
        if blank(record.get("first_response")) and not blank(minutes):
            try:
                record["first_response"] = created + timedelta(minutes=float(text(minutes)))
            except (TypeError, ValueError):  # no creation time to count from, or not a number: the raw value
                record["first_response"] = text(minutes)  # goes on to be reported by the normaliser
        start, end = record.pop("pause_start", None), record.pop("pause_end", None)
        if isinstance(record.get("pauses"), str):
            record["pauses"] = self.parse_pauses(record["pauses"])
        if blank(record.get("pauses")) and not blank(start):
            record["pauses"] = [(start, None if blank(end) else end)]
        history = raw.get(HISTORY) if isinstance(raw, dict) else None
        if history is None and self.tool in HISTORY_READERS:
            history = HISTORY_READERS[self.tool](raw)
        if history:
            responded, pauses = self.from_history(history)
            if blank(record.get("first_response")) and responded is not None:
                record["first_response"] = responded
            if blank(record.get("pauses")) and pauses:
                record["pauses"] = pauses

    def from_history(self, history) -> tuple:
        """(first response, [(pause start, end or None)]) from a status history [{"at", "status"}, ...]: the first
        entry into a first-response status, and the intervals spent in the waiting statuses (one still open at the
        end of the history is an open pause)."""
        entries = []
        for entry in history:
            if isinstance(entry, dict):
                at = self.parse_time(entry.get("at"))
                if isinstance(at, datetime):
                    entries.append((at, folded(entry.get("status"))))
        with suppress(TypeError):  # naive and aware times mixed: kept in the order given (oldest first)
            entries = sorted(entries, key=lambda e: e[0])
        responding = {folded(s) for s in self.first_response_statuses}
        waiting = {folded(s) for s in self.pause_statuses}
        responded = next((at for at, status in entries if status in responding), None)
        pauses, start = [], None
        for at, status in entries:
            if status in waiting and start is None:
                start = at
            elif status not in waiting and start is not None:
                pauses.append((start, at))
                start = None
        if start is not None:
            pauses.append((start, None))
        return responded, pauses

    @cached_property
    def _value_maps(self) -> dict:
        maps = {}
        for name, mapping in self.values.items():
            table = maps[name] = {}
            for source, code in mapping.items():
                table[str(source).strip()] = code
                table.setdefault(normalise_name(source), code)
        return maps

    def value_map(self, name, value):
        """The code the profile maps a source value to ("exclude" included), None when it has none."""
        table = self._value_maps.get(name)
        if not table:
            return None
        value = text(value)
        code = table.get(value)
        return table.get(normalise_name(value)) if code is None else code

    @cached_property
    def zone(self):
        try:
            return ZoneInfo(self.time_zone) if self.time_zone else None
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def parse_time(self, value):
        """A datetime from ISO 8601 or the first of `date_formats` that fits; a time without an offset is read in
        the source's zone (none given: left naive, the importer reads it in the contract calendar's zone). A value
        that fits no format is returned as given, for the normaliser to report."""
        if isinstance(value, datetime):
            result = value
        elif isinstance(value, date):
            result = datetime.combine(value, datetime.min.time())
        elif isinstance(value, str):
            result = parse_text_time(value.strip(), self.date_formats)
            if result is None:
                return value
        else:
            return value
        if result.tzinfo is None and self.zone is not None:
            result = result.replace(tzinfo=self.zone)
        return result

    def parse_pauses(self, value: str):
        """The ServPlan pauses text ("start/end; start ~ end") read with the profile's date formats; the text as
        given when a part fits none (the normaliser reports it)."""
        from ..normalise import _split_interval

        pauses = []
        for part in re.split(r"[;；\n]", value):
            if not part.strip():
                continue
            start, end = _split_interval(part)
            start, end = self.parse_time(start), (self.parse_time(end) if end else None)
            if not isinstance(start, datetime) or not (end is None or isinstance(end, datetime)):
                return value
            pauses.append((start, end))
        return pauses

    def source_columns(self) -> list[str]:
        """Every column name or path the profile reads, in order."""
        return [source for sources in self.columns.values() for source in sources]


# ---- values ---------------------------------------------------------------------------------------------


def blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A source value as text: numbers without a trailing .0 (a spreadsheet's 1.0 is the code 1)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def folded(value) -> str:
    return text(value).casefold()


def shown(value):
    """A raw value as kept in the quality report (JSON)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)[:500]


@cache
def _path(path: str) -> tuple:
    return tuple(int(p) if re.fullmatch(r"-?\d+", p) else p for p in path.split("."))


def lookup(obj, path: str):
    """The value at a column name or a JSON path (`fields.priority.name`, `completedCycles.0.stopTime`; a list
    index may be negative); None when the path leads nowhere. A key holding dots is found as it is first."""
    if not isinstance(obj, dict):
        return None
    if path in obj:
        return obj[path]
    value = obj
    for part in _path(path):
        if isinstance(value, dict):
            value = value.get(str(part))
        elif isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
            value = value[part]
        else:
            return None
        if value is None:
            return None
    return value


# ---- status histories a source carries itself --------------------------------------------------------------


def jira_history(raw) -> list | None:
    """Jira's changelog (a search or issue response with expand=changelog) as a status history: each history's
    `created` time with the status its `status` item moved to. None when the object has no changelog."""
    histories = lookup(raw, "changelog.histories")
    if not isinstance(histories, list):
        return None
    return [{"at": history.get("created"), "status": item.get("toString")}
            for history in histories if isinstance(history, dict)
            for item in history.get("items") or () if isinstance(item, dict) and item.get("field") == "status"]


# A connector or the webhook may put `HISTORY` into a raw object itself; for these tools the reader also finds
# the history in the object as the tool's API returns it.
HISTORY_READERS = {"jira": jira_history}
