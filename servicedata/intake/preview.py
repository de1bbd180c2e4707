"""The preview of a file import: its header, the built-in profile its header is recognised as, the columns no field
reads, and the first rows as they will be read (times in the reader's zone, labels in their language) with each
row's errors and what the profile's data-quality rules would do. Nothing is written.

Between the preview and the confirmation the uploaded file waits in the media storage under a random name
(`stash`); the page keeps that name, its sha256 and the upload's details in the user's session, never in the page.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import display
from core.tabular import FileError

from ..choices import Anomaly, ProfileField, RuleAction, TicketKind, TicketStatus
from . import quality

PREVIEW_DIR = "import-previews"
# The preview's columns: a normalised row's fields a person checks (servicedata.normalise.ROW order).
SHOWN = ("external_id", "kind", "priority", "status", "summary", "created", "first_response", "resolved", "closed",
         "pauses")
TIMES = {"created", "first_response", "resolved", "closed"}


@dataclass
class PreviewRow:
    number: int
    values: list  # text per SHOWN field, as it will be stored and shown
    errors: list = field(default_factory=list)  # [(field label, message, value)]
    findings: list = field(default_factory=list)  # [(rule, action, what is done)]
    excluded: bool = False


@dataclass
class Preview:
    header: list
    recognised: object = None  # the built-in ProfileSpec the header looks like, or None
    ignored_columns: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # labels of SHOWN
    rows: list = field(default_factory=list)
    error: str = ""  # the file cannot be read with this profile: why

    @property
    def error_rows(self):
        return sum(1 for row in self.rows if row.errors)

    @property
    def excluded_rows(self):
        return sum(1 for row in self.rows if row.excluded)


# ---- the header ------------------------------------------------------------------------------------------

def read_header(fmt, fileobj) -> list[str]:
    """The column names a file starts with (servicedata.intake.builtin.file_header); empty when unreadable."""
    from . import builtin

    return builtin.file_header(fmt, fileobj)


def recognise(header, fmt=None):
    """The built-in profile the header is recognised as (servicedata.intake.builtin), or None."""
    from . import builtin

    return builtin.recognise(header, fmt) if header else None


# ---- the rows as they will be read -----------------------------------------------------------------------

def _reader(spec, fmt, fileobj, size):
    if spec is None or spec.key == "servplan":
        from ..columns import open_ticket_reader

        return open_ticket_reader(fmt, fileobj, size)
    return spec.open_reader(fmt, fileobj, size)


def _normaliser(contract, spec, time_zone, external_system):
    from .. import sla
    from ..normalise import Normaliser

    zone_name = time_zone or (spec.time_zone if spec is not None else "")
    zone = ZoneInfo(zone_name) if zone_name else sla.contract_zone(contract)
    system = external_system or (spec.external_system if spec is not None else "") or "import"
    policy = spec.policy() if spec is not None else quality.STRICT
    return Normaliser(zone, system, sla.service_lookup(), default_service=contract.service_tier.service_id,
                      policy=policy)


def preview(contract, fileobj, fmt, spec, limit=20, *, time_zone="", external_system="") -> Preview:
    """The first `limit` rows of the file as the import with `spec` (None: ServPlan's columns) will read them."""
    from ..normalise import ROW

    header = read_header(fmt, fileobj)
    result = Preview(header=header, recognised=recognise(header, fmt),
                     columns=[_label(name) for name in SHOWN])
    size = getattr(fileobj, "size", None)
    try:
        reader = _reader(spec, fmt, fileobj, size)
        normalise = _normaliser(contract, spec, time_zone, external_system)
        for number, record in reader.rows():
            row, errors, _warnings, findings = normalise(number, record)
            shown = dict(zip(ROW, row, strict=True)) if row is not None else {}
            item = PreviewRow(number=number, values=[_shown(name, shown, record, normalise.zone) for name in SHOWN],
                              errors=[(_label(name), message, value) for name, message, value in errors or ()],
                              findings=[_finding(f) for f in findings], excluded=row is None and not errors)
            result.rows.append(item)
            if len(result.rows) >= limit:
                break
        result.ignored_columns = list(getattr(reader, "ignored_columns", []) or [])
    except FileError as exc:
        result.error = str(exc)
    finally:
        fileobj.seek(0)
    return result


def _label(name):
    return str(ProfileField(name).label) if name in ProfileField.values else name


def _shown(name, row, record, zone):
    """One cell of the preview: the normalised value (a time in the reader's zone, a label), else what was read
    (a row left out: its mapped codes as labels too, a time without an offset in the source's zone)."""
    value = row.get(name) if row else record.get(name)
    if row and name in TIMES:
        return display.datetime_text(datetime.fromtimestamp(value, UTC)) if value is not None else ""
    if row and name == "pauses":
        return "; ".join(f"{_time(start)} – {_time(end) if end is not None else '…'}" for start, end in value or ())
    if name == "kind" and value in TicketKind.values:
        return str(TicketKind(value).label)
    if name == "status" and value in TicketStatus.values:
        return str(TicketStatus(value).label)
    if isinstance(value, datetime):
        return display.datetime_text(value if timezone.is_aware(value) else value.replace(tzinfo=zone))
    return "" if value is None else str(value)


def _time(seconds):
    return display.datetime_text(datetime.fromtimestamp(seconds, UTC))


def _finding(finding):
    outcome = display.readable(finding.outcome)
    if not outcome:
        outcome = _t("The row is left out.") if finding.action == RuleAction.EXCLUDE else _t("Kept as given.")
    return (str(Anomaly(finding.anomaly).label), str(RuleAction(finding.action).label), outcome)


# ---- the uploaded file between preview and confirmation ------------------------------------------------------

def stash(upload) -> str:
    """Keep an uploaded file for the confirmation: its storage name (random, never from the client)."""
    extension = upload.name.rsplit(".", 1)[-1].lower()[:8] if "." in upload.name else "bin"
    upload.seek(0)
    return default_storage.save(f"{PREVIEW_DIR}/{uuid.uuid4().hex}.{extension}", upload)


def open_stashed(path, name) -> File:
    """The kept file under its original name (a Django File the import job stores like an upload)."""
    if not path.startswith(f"{PREVIEW_DIR}/") or ".." in path:
        raise FileNotFoundError(path)
    handle = default_storage.open(path, "rb")
    stored = File(handle, name=name)
    stored.size = default_storage.size(path)
    return stored


def discard(path):
    if path.startswith(f"{PREVIEW_DIR}/") and default_storage.exists(path):
        default_storage.delete(path)
