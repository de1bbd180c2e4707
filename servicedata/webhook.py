"""The live feed: a contract's webhook endpoint receives ticket events from a service desk, signed with a shared
secret, so the contract's figures are current during the month (docs/import.md "Live feed (webhook)").

The request:

    POST /servicedata/webhook/<token>/
    Content-Type: application/json
    X-ServPlan-Timestamp: 1772413200              the Unix time (seconds) at which the request was signed
    X-ServPlan-Signature: sha256=<hex>            HMAC-SHA256, keyed with the shared secret, of
                                                  "<timestamp>.<raw body>" (the header's digits, a dot, the bytes)

The timestamp is signed with the body, so a captured request cannot be sent again with a fresh one; one more than
`TOLERANCE` seconds from the server's clock is refused. Within the tolerance a replay stores nothing new: each event
is kept once (by the SHA-256 of its canonical JSON). Digests are compared in constant time.

The body is one event or a JSON array of at most `MAX_EVENTS` events. An event is a ticket object as the endpoint's
profile reads it (ServPlan's columns, a ServiceNow record, a Jira issue, a Zammad ticket), bare or wrapped:
`{"ticket": {...}, "occurred_at": ...}` (ServPlan's envelope; Zammad's webhook also puts the ticket under
"ticket") or `{"issue": {...}, "timestamp": ...}` (Jira's webhook). The event time is the envelope's `occurred_at`
(ISO 8601, or Unix seconds or milliseconds), else its `timestamp`, else the ticket's last-update column as the
profile reads it (`updated`: sys_updated_on, fields.updated, updated_at).

What happens: the batch is read whole (one item that cannot be read refuses it, naming the item; nothing stored).
Events already stored are skipped. Every ticket the new events touch is rebuilt from ALL its events, oldest first:
later values win (objects are merged key by key), and the sequence of its statuses with their times becomes its
status history (`spec.HISTORY`), from which the profile's first_response_statuses and pause_statuses give the first
response and the waiting pauses. The rebuilt tickets are imported as one import job (source "webhook") under the
endpoint's `run_as`, in the request: a batch is bounded (MAX_EVENTS, MAX_BODY) and the import of a few hundred
tickets takes well under a second. Everything runs in one transaction: a request never leaves a half-written ticket.
An import the profile's rules reject stores no event and answers 422 with its errors, each naming its items; the
rejected job stays on the endpoint's page.
"""

import hashlib
import hmac
import json
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit, crypto, records
from core.choices import AuditAction
from core.permissions import allowed

from .choices import ImportSource, ImportStatus, SourceTool, TicketStatus
from .models import ImportJob, TicketEvent, WebhookEndpoint
from .normalise import STATUS_ALIASES

SIGNATURE_HEADER = "X-ServPlan-Signature"
TIMESTAMP_HEADER = "X-ServPlan-Timestamp"
TOLERANCE = 300  # seconds between the signed timestamp and the server's clock
MAX_EVENTS = 500  # per request: the import runs in the request, so a batch stays small
MAX_BODY = 2 * 1024 * 1024  # bytes
DEFAULT_PROFILE = "servplan"
ENVELOPES = ("ticket", "issue")  # where a wrapped event keeps its ticket
EVENT_TIME = ("occurred_at", "timestamp")  # where a wrapped event keeps its time


def _spellings(status):
    return (str(status), *(alias for alias, code in STATUS_ALIASES.items() if code == status))


# ServPlan's own columns fed event by event carry ServPlan's statuses: the first entry into "in progress" is the
# first response, the time spent "waiting on customer" a pause (unless the events give them as columns).
SERVPLAN_STATUSES = {"first_response_statuses": _spellings(TicketStatus.IN_PROGRESS),
                     "pause_statuses": _spellings(TicketStatus.PENDING)}


class Refused(Exception):
    """A request that stores nothing: its HTTP status, a message and, for a batch, the items' errors."""

    def __init__(self, status, message, errors=()):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, list(errors)

    def as_dict(self):
        return {"accepted": 0, "message": self.message, "errors": self.errors}


# ---- the endpoint and its secret ------------------------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits: the address alone is not guessable


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_endpoint(endpoint: WebhookEndpoint, user) -> str:
    """Save a new endpoint with a random address token and shared secret; returns the secret, shown once (only its
    encryption is stored, and neither is audited)."""
    secret = new_secret()
    endpoint.token = new_token()
    endpoint.secret = crypto.encrypt(secret)
    records.create(endpoint, user)
    return secret


def rotate_secret(endpoint: WebhookEndpoint, user) -> str:
    """Replace the shared secret (the old one stops signing at once); returns the new one, shown once."""
    if not allowed(user, endpoint, "change"):
        raise PermissionDenied(_t("Your role may not do this."))
    secret = new_secret()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=crypto.encrypt(secret))
        audit.record_entry(AuditAction.UPDATE, endpoint, user=user,
                           comment=_t("The shared secret was replaced; the previous one no longer signs."))
    return secret


def setting_errors(contract, profile, builtin_profile, run_as) -> dict:
    """{field: message} for an endpoint's settings that cannot work (shared by the form and the API)."""
    from .intake import builtin

    errors = {}
    if profile is not None and contract is not None and profile.contract_id not in (None, contract.pk):
        errors["profile"] = _t("This profile belongs to another contract.")
    if builtin_profile:
        try:
            builtin.get(builtin_profile)
        except KeyError:
            errors["builtin_profile"] = _t("“%(key)s” is not a built-in profile.") % {"key": builtin_profile}
    if run_as is not None and contract is not None and not (
            allowed(run_as, ImportJob, "add")
            and type(contract).objects.restrict(run_as, "view").filter(pk=contract.pk).exists()):
        errors["run_as"] = _t("%(user)s may not import into this contract.") % {"user": run_as}
    return errors


def sign(secret: str, timestamp, body: bytes) -> str:
    """The signature header's value for a body signed at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(endpoint: WebhookEndpoint, timestamp: str, signature: str, body: bytes, now=None):
    """Refuse (401) a request whose signature is not the endpoint's or whose timestamp is out of tolerance."""
    timestamp = (timestamp or "").strip()
    if not timestamp.isdigit():
        raise Refused(401, _t("The %(header)s header is missing or is not a Unix time in seconds.")
                      % {"header": TIMESTAMP_HEADER})
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE:
        raise Refused(401, _t("The timestamp is more than %(n)s seconds from the server's clock: refused as a "
                              "possible replay.") % {"n": TOLERANCE})
    try:
        secret = crypto.decrypt(endpoint.secret)
    except crypto.Unreadable:
        raise Refused(503, _t("The endpoint's shared secret cannot be read (the server's secret key changed): "
                              "rotate it.")) from None
    if not secret or not hmac.compare_digest(sign(secret, timestamp, body).encode(),
                                             (signature or "").strip().lower().encode()):
        raise Refused(401, _t("The %(header)s header does not match the body.") % {"header": SIGNATURE_HEADER})


# ---- reading events ---------------------------------------------------------------------------------------------

def spec_of(endpoint: WebhookEndpoint):
    """The profile the endpoint reads its tickets with: its import profile, else its built-in one."""
    from .intake import builtin
    from .intake.spec import ProfileSpec

    if endpoint.profile_id:
        return ProfileSpec.from_profile(endpoint.profile)
    spec = builtin.get(endpoint.builtin_profile or DEFAULT_PROFILE)
    if spec.tool == SourceTool.SERVPLAN and not (spec.first_response_statuses or spec.pause_statuses):
        spec = replace(spec, **SERVPLAN_STATUSES)
    return spec


def ticket_of(item: dict) -> dict:
    """The ticket object of an event: under "ticket" or "issue" when wrapped, else the event itself."""
    for key in ENVELOPES:
        if isinstance(item.get(key), dict):
            return item[key]
    return item


def lookup(obj, path: str):
    """A value by column name or JSON path (`fields.status.name`, `comments.0.created`); None if absent."""
    if isinstance(obj, dict) and path in obj:
        return obj[path]
    value = obj
    for step in path.split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def first_value(obj, paths) -> str:
    """The first non-empty of the paths' values, as text ("" if none)."""
    for path in paths:
        value = lookup(obj, path)
        if isinstance(value, dict):  # e.g. a Jira status object without ".name"
            value = value.get("name") or value.get("value")
        if value not in (None, "", [], {}):
            return str(value).strip()
    return ""


def instant(value, spec, zone) -> datetime:
    """An event time: Unix seconds or milliseconds, ISO 8601, or one of the profile's date formats (a time without an
    offset read in the profile's zone, else the contract calendar's)."""
    if isinstance(value, bool) or value in (None, ""):
        raise ValueError(_t("The event has no time (occurred_at, timestamp or the ticket's last update)."))
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        seconds = float(value)
        return datetime.fromtimestamp(seconds / 1000 if seconds > 10**11 else seconds, UTC)
    text = str(value).strip()
    try:
        result = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for pattern in spec.date_formats:
            try:
                result = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_t("“%(value)s” is not a time (use ISO 8601 with an offset, e.g. "
                                "2026-03-02T09:30:00+08:00, or Unix seconds).") % {"value": text[:40]}) from None
    return result if result.tzinfo else result.replace(tzinfo=zone)


@dataclass
class Event:
    """One event as read from a request or from the store, enough to rebuild its ticket."""

    external_id: str
    occurred_at: datetime
    payload: dict
    sha256: str = ""
    item: int | None = None  # its position in the request's array (from 0); None: stored before

    def ticket(self):
        return ticket_of(self.payload)


def digest(item) -> str:
    canonical = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_event(item, position, spec, zone) -> Event:
    if not isinstance(item, dict):
        raise ValueError(_t("An event is a JSON object."))
    ticket = ticket_of(item)
    columns = spec.columns.get("external_id") or ["external_id"]
    external_id = first_value(ticket, columns)
    if not external_id:
        raise ValueError(_t("The ticket has no external id (%(columns)s).") % {"columns": ", ".join(columns)})
    if len(external_id) > TicketEvent._meta.get_field("external_id").max_length:
        raise ValueError(_t("The external id “%(id)s…” is too long.") % {"id": external_id[:20]})
    keys = EVENT_TIME if ticket is not item else EVENT_TIME[:1]  # a bare ticket may carry occurred_at beside it
    when = next((item[key] for key in keys if item.get(key) not in (None, "")), None)
    if when is None:
        when = first_value(ticket, spec.columns.get("updated") or ("updated", "updated_at"))
    return Event(external_id, instant(when, spec, zone), item, digest(item), position)


def parse(body: bytes, spec, zone) -> list[Event]:
    """The request's events; Refused (400, or 413 past MAX_EVENTS) naming every item that cannot be read."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(400, _t("The body is not JSON: %(error)s") % {"error": str(exc)[:200]},
                      [{"item": None, "message": str(exc)[:200]}]) from None
    items = data if isinstance(data, list) else [data]
    if not items:
        raise Refused(400, _t("The body holds no event."))
    if len(items) > MAX_EVENTS:
        raise Refused(413, _t("At most %(max)s events per request; this one has %(n)s.")
                      % {"max": MAX_EVENTS, "n": len(items)})
    events, errors = [], []
    for position, item in enumerate(items):
        try:
            events.append(read_event(item, position, spec, zone))
        except ValueError as exc:
            errors.append({"item": position, "message": str(exc)})
    if errors:
        raise Refused(400, _t("Nothing was stored: %(n)s event(s) cannot be read.") % {"n": len(errors)}, errors)
    return events


# ---- rebuilding a ticket from its events ---------------------------------------------------------------------

def merge(older: dict, newer: dict) -> dict:
    """Key by key, the newer value wins; objects are merged (a partial update keeps what it does not name)."""
    result = dict(older)
    for key, value in newer.items():
        result[key] = merge(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) \
            else value
    return result


def rebuild(events: list[Event], spec) -> dict:
    """One source object for a ticket from all its events, oldest first, with its status history."""
    from .intake.spec import HISTORY

    merged, history = {}, []
    status_columns = spec.columns.get("status") or ["status"]
    for event in events:
        ticket = event.ticket()
        merged = merge(merged, ticket)
        status = first_value(ticket, status_columns)
        if status and (not history or history[-1]["status"] != status):
            history.append({"at": event.occurred_at.isoformat(), "status": status})
    merged[HISTORY] = history
    return merged


# ---- receiving a request --------------------------------------------------------------------------------------

@dataclass
class Outcome:
    accepted: int = 0  # new events stored
    duplicates: int = 0  # events stored before (or twice in this request): nothing changed for them
    tickets: int = 0  # tickets rebuilt and imported
    job: ImportJob | None = None
    errors: list = field(default_factory=list)

    @property
    def status(self) -> int:
        return 422 if self.job is not None and self.job.status != ImportStatus.DONE else 200

    def as_dict(self):
        job = self.job
        data = {"accepted": self.accepted, "duplicates": self.duplicates, "tickets": self.tickets,
                "job": job.pk if job else None, "status": job.status if job else None,
                "message": job.message if job else _t("Nothing new: every event was received before."),
                "errors": self.errors}
        if job is not None:
            data.update(created=job.created_count, updated=job.updated_count, unchanged=job.unchanged_count,
                        excluded=job.excluded_count, repaired=job.repaired_count)
        return data


def endpoint_zone(endpoint, spec):
    from . import sla

    try:
        return ZoneInfo(spec.time_zone) if spec.time_zone else sla.contract_zone(endpoint.contract)
    except (ZoneInfoNotFoundError, ValueError):
        return sla.contract_zone(endpoint.contract)


def receive(endpoint: WebhookEndpoint, timestamp: str, signature: str, body: bytes, now=None) -> Outcome:
    """Check, store and import one request's events (see the module's docstring); Refused stores nothing."""
    if not endpoint.enabled:
        raise Refused(410, _t("This endpoint is disabled."))
    if len(body) > MAX_BODY:
        raise Refused(413, _t("The body is larger than %(n)s bytes.") % {"n": MAX_BODY})
    verify(endpoint, timestamp, signature, body, now)
    spec = spec_of(endpoint)
    events = parse(body, spec, endpoint_zone(endpoint, spec))
    with transaction.atomic():
        WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()  # one batch at a time
        stored = set(TicketEvent.objects.filter(endpoint=endpoint, sha256__in=[e.sha256 for e in events])
                     .values_list("sha256", flat=True))
        new = []
        for event in events:
            if event.sha256 not in stored:
                stored.add(event.sha256)
                new.append(event)
        outcome = Outcome(accepted=len(new), duplicates=len(events) - len(new))
        if not new:
            return outcome
        outcome.job, outcome.errors, outcome.tickets = import_events(endpoint, spec, new, body)
        if outcome.job.status != ImportStatus.DONE:
            outcome.accepted = 0
            return outcome
        TicketEvent.objects.bulk_create([
            TicketEvent(endpoint=endpoint, external_id=e.external_id, occurred_at=e.occurred_at, payload=e.payload,
                        sha256=e.sha256, job=outcome.job) for e in new])
        latest = max(e.occurred_at for e in new)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_event_at=latest)
    return outcome


def import_events(endpoint, spec, new: list[Event], body: bytes):
    """Rebuild every ticket the new events touch from all its events and import them as one job.
    Returns (job, errors naming the items, tickets)."""
    from . import services

    by_ticket = defaultdict(list)
    for external_id, occurred_at, payload, pk in TicketEvent.objects.filter(
            endpoint=endpoint, external_id__in={e.external_id for e in new}) \
            .values_list("external_id", "occurred_at", "payload", "pk"):
        by_ticket[external_id].append(((occurred_at, 0, pk), Event(external_id, occurred_at, payload)))
    for event in new:
        by_ticket[event.external_id].append(((event.occurred_at, 1, event.item), event))
    ids = sorted(by_ticket)
    tickets = [rebuild([e for _key, e in sorted(by_ticket[i], key=lambda pair: pair[0])], spec) for i in ids]
    try:
        job = services.import_records(
            endpoint.contract, endpoint.run_as, lambda: spec.records(tickets), source=ImportSource.WEBHOOK, spec=spec,
            profile=endpoint.profile, builtin_profile=endpoint.builtin_profile if not endpoint.profile_id else "",
            name=_t("Live feed %(name)s") % {"name": endpoint.name}, sha256=hashlib.sha256(body).hexdigest(),
            external_system=endpoint.external_system or None)
    except PermissionDenied:
        raise Refused(403, _t("The endpoint imports as %(user)s, who may not import into this contract.")
                      % {"user": endpoint.run_as}) from None
    ImportJob.objects.filter(pk=job.pk).update(webhook=endpoint)
    job.webhook = endpoint
    items = defaultdict(list)
    for event in new:
        items[event.external_id].append(event.item)
    errors = []
    for error in job.errors or ():
        row = error.get("row")
        external_id = ids[row - 1] if isinstance(row, int) and 1 <= row <= len(ids) else None
        errors.append({"items": items.get(external_id, []), "external_id": external_id, **error})
    return job, errors, len(ids)
