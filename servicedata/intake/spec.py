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
from dataclasses import asdict, dataclass, field

from ..choices import ProfileField
from .quality import Policy

HISTORY = "_history"
ORIGINAL = "_original"
EXCLUDED = "_excluded"
EXCLUDE = "exclude"


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
