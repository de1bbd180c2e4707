"""Normalising one imported row: column values in, a checked tuple (or the row's errors) out, and what the
data-quality rules did to it (servicedata.intake.quality).

A row becomes a tuple in the order of `ROW`: text fields stripped, choices as
their codes (English or Chinese spellings accepted), times as epoch seconds
(wall-clock times without an offset read in the contract calendar's zone),
pauses as ((start, end or None), ...). Every problem is reported as
(field, message, value); nothing here touches the database.

Warnings are reported the same way but do not reject the row: a pause wholly
outside the ticket's life (ended by its creation, or begun at or after its
resolution) is kept as given and counts for nothing, since the clocks measure
pauses only inside the life.
"""

import re
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext

from catalog.choices import Priority
from core import display
from core.exports.cells import inert

from .choices import Anomaly, RuleAction, TicketKind, TicketStatus
from .intake.quality import STRICT, UNKNOWN_KIND, UNKNOWN_STATUS, Finding, repair_message
from .intake.spec import EXCLUDED, ORIGINAL

FUTURE_TIME_TOLERANCE = 86400  # times more than a day ahead of now are in the future (a rule decides)

PRIORITY_ALIASES = {
    "p1": Priority.P1, "1": Priority.P1, "紧急": Priority.P1, "critical": Priority.P1, "urgent": Priority.P1,
    "p2": Priority.P2, "2": Priority.P2, "高": Priority.P2, "high": Priority.P2,
    "p3": Priority.P3, "3": Priority.P3, "中": Priority.P3, "medium": Priority.P3, "normal": Priority.P3,
    "p4": Priority.P4, "4": Priority.P4, "低": Priority.P4, "low": Priority.P4,
}
KIND_ALIASES = {
    "incident": TicketKind.INCIDENT, "事件": TicketKind.INCIDENT, "故障": TicketKind.INCIDENT,
    "servicerequest": TicketKind.SERVICE_REQUEST, "request": TicketKind.SERVICE_REQUEST,
    "服务请求": TicketKind.SERVICE_REQUEST, "请求": TicketKind.SERVICE_REQUEST,
    "change": TicketKind.CHANGE, "变更": TicketKind.CHANGE,
}
STATUS_ALIASES = {
    "new": TicketStatus.NEW, "新建": TicketStatus.NEW, "open": TicketStatus.IN_PROGRESS,
    "inprogress": TicketStatus.IN_PROGRESS, "处理中": TicketStatus.IN_PROGRESS, "已响应": TicketStatus.IN_PROGRESS,
    "pending": TicketStatus.PENDING, "waiting": TicketStatus.PENDING, "挂起": TicketStatus.PENDING,
    "等待客户": TicketStatus.PENDING, "resolved": TicketStatus.RESOLVED, "已解决": TicketStatus.RESOLVED,
    "closed": TicketStatus.CLOSED, "已关闭": TicketStatus.CLOSED, "关闭": TicketStatus.CLOSED,
    "cancelled": TicketStatus.CANCELLED, "canceled": TicketStatus.CANCELLED, "已取消": TicketStatus.CANCELLED,
}
LIMITS = (("external_id", 64), ("external_system", 40), ("category", 100), ("summary", 300),
          ("configuration_item", 200))  # this order is unpacked in Normaliser.__call__
# A normalised row: a tuple in this order (times as epoch seconds or None, pauses as ((start, end|None), ...)).
ROW = ("external_system", "external_id", "kind", "priority", "status", "category", "summary", "configuration_item",
       "service_id", "created", "first_response", "resolved", "closed", "pauses")
SYSTEM, EXTERNAL_ID, CREATED, PAUSES = 0, 1, 9, 13
_LOOSE_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$")
_KEY_JUNK = re.compile(r"[\s_\-]+")


def _with_variants(aliases):
    """Accept each alias as given, lower-cased, or without spaces/dashes/underscores."""
    result = {}
    for alias, value in aliases.items():
        result[alias] = result[alias.upper()] = value
    for choice in set(aliases.values()):
        result[str(choice)] = result[str(choice).upper()] = choice
    return result


PRIORITY_LOOKUP, KIND_LOOKUP, STATUS_LOOKUP = (_with_variants(a) for a in (PRIORITY_ALIASES, KIND_ALIASES,
                                                                           STATUS_ALIASES))


class BadValue(ValueError):
    pass


def parse_instant(value, zone):
    """An aware datetime from an ISO-8601 text (offset optional), a spreadsheet datetime, or None if blank.

    Times without an offset are wall-clock times in `zone`. "2025/3/1 9:05" is accepted too.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            result = datetime.fromisoformat(text)
        except ValueError:
            text = text.replace("/", "-")
            match = _LOOSE_DATETIME.match(text)
            if not match:
                raise BadValue(_t("“%(value)s” is not a date and time (use e.g. 2025-03-01 09:30 or "
                                  "2025-03-01T09:30:00+08:00).") % {"value": value[:40]}) from None
            try:
                result = datetime(*(int(g or 0) for g in match.groups()))
            except ValueError as exc:
                raise BadValue(_t("“%(value)s” is not a valid date: %(error)s") % {
                    "value": value[:40], "error": exc}) from None
    else:
        raise BadValue(_t("“%(value)s” is not a date and time.") % {"value": str(value)[:40]})
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone)
    return result


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split_interval(text):
    """"start ~ end" or ISO-8601 "start/end" (then dates must use "-"); a missing end means still open."""
    text = text.strip()
    parts = re.split(r"[~～]", text, maxsplit=1) if re.search(r"[~～]", text) else text.split("/", 1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def _lookup(aliases, text):
    value = aliases.get(text)
    if value is None:
        value = aliases.get(_KEY_JUNK.sub("", text).lower())
    return value


class _Excluded(Exception):
    """A rule excluded the row (carries the finding)."""

    def __init__(self, finding):
        self.finding = finding


class Normaliser:
    """Raw record -> (row tuple, [], warnings, findings), or (None, errors, warnings, findings) when the row is
    rejected (errors: [(field, message, value), ...]) or excluded by a data-quality rule (no errors, one finding).

    `policy` (servicedata.intake.quality.Policy) decides each anomaly: reject (an error, as without rules),
    exclude the row, repair it the one stated way, or keep it. Findings name what was done (quality.Finding).
    """

    def __init__(self, zone, default_system, services, now=None, default_service=None, policy=STRICT):
        self.zone = zone
        self.default_system = default_system
        self.services = services  # lower-cased code or name -> service id
        self.default_service = default_service  # for rows without a service: the contract SLA's service
        self.latest = int((now or timezone.now()).timestamp()) + FUTURE_TIME_TOLERANCE
        self.policy = policy
        default = _text(policy.defaults.get("priority"))
        self.default_priority = _lookup(PRIORITY_LOOKUP, default) if default else None

    def __call__(self, number, record):
        errors, findings = [], []
        get = record.get
        excluded = get(EXCLUDED)
        if excluded:
            name, value = excluded
            return None, [], (), [Finding(Anomaly.EXCLUDED_VALUE, RuleAction.EXCLUDE, name, {name: _text(value)})]

        def fail(name, message, value=None):
            errors.append((name, str(message), "" if value is None else str(value)[:80]))

        original = get(ORIGINAL) or {}

        def judge(anomaly, name, fields, message, value, repair=None):
            """The action for an anomaly of this row: a rejection is reported, an exclusion ends the row, a repair
            or an explicit keep is recorded as a finding (the caller repairs)."""
            action = self.policy.action(anomaly)
            if action == RuleAction.REJECT:
                fail(name, message, value)
                return action
            values = {f: _text(original.get(f, get(f))) for f in fields}
            if action == RuleAction.EXCLUDE:
                raise _Excluded(Finding(anomaly, action, name, values))
            if action == RuleAction.REPAIR:
                findings.append(Finding(anomaly, action, name, values, repair or repair_message(anomaly, self.policy)))
            elif anomaly in self.policy.rules:
                findings.append(Finding(anomaly, action, name, values))
            return action

        try:
            row, warnings = self._row(get, fail, judge)
        except _Excluded as exc:
            return None, [], (), [*findings, exc.finding]
        if errors:
            return None, errors, (), findings
        return row, [], warnings, findings

    def _row(self, get, fail, judge):
        texts = []
        for name, limit in LIMITS:
            value = get(name)
            text = inert(value.strip() if type(value) is str else _text(value))
            if len(text) > limit:
                fail(name, _t("Longer than %(n)s characters.") % {"n": limit}, text)
            texts.append(text)
        external_id, external_system, category, summary, configuration_item = texts
        if not external_id:
            fail("external_id", _t("Required."))
        priority = self._choice(get("priority"), "priority", PRIORITY_LOOKUP, None, fail, judge)
        kind = self._choice(get("kind"), "kind", KIND_LOOKUP, TicketKind.INCIDENT, fail, judge)
        status = self._choice(get("status"), "status", STATUS_LOOKUP, "", fail, judge)
        instant = self._instant
        created = instant(get("created"), "created", fail, judge)
        responded = instant(get("first_response"), "first_response", fail, judge)
        resolved_given = resolved = instant(get("resolved"), "resolved", fail, judge)
        closed = instant(get("closed"), "closed", fail, judge)
        if created is None and raw_missing(get("created")):
            fail("created", _t("Required."))
        if resolved is not None and closed is not None and closed < resolved:
            action = judge(Anomaly.CLOSE_BEFORE_RESOLVE, "closed", ("resolved", "closed"),
                           _t("Closed before it was resolved."), get("closed"))
            if action == RuleAction.REPAIR:
                resolved_given = resolved = closed
        if resolved is None and closed is not None:
            resolved = closed  # closed without a resolution time: closing resolved it
        if created is not None:
            if resolved is not None and resolved < created:
                judge(Anomaly.RESOLVE_BEFORE_CREATION, "resolved" if resolved_given is not None else "closed",
                      ("created", "resolved", "closed"), _t("Resolved before the ticket was created."),
                      get("resolved") or get("closed"))
            if responded is not None and responded < created:
                action = judge(Anomaly.RESPONSE_BEFORE_CREATION, "first_response", ("created", "first_response"),
                               _t("The first response is before the ticket was created."), get("first_response"))
                if action == RuleAction.REPAIR:
                    responded = created
        if responded is not None and resolved is not None and resolved < responded:
            action = judge(Anomaly.RESOLVE_BEFORE_RESPONSE, "resolved", ("first_response", "resolved"),
                           _t("Resolved before the first response."), get("resolved") or get("closed"))
            if action == RuleAction.REPAIR:
                responded = resolved
        service_id = self._service(get("service"), fail)
        pauses = self._pauses(get("pauses"), created, fail)
        warnings = ()
        if pauses and created is not None:
            pauses, warnings = self._outside(pauses, created, resolved, get("pauses"), judge)
        if not status:
            status = (TicketStatus.CLOSED if closed is not None else TicketStatus.RESOLVED if resolved is not None
                      else TicketStatus.IN_PROGRESS if responded is not None else TicketStatus.NEW)
        return (external_system or self.default_system, external_id, str(kind), str(priority), str(status),
                category, summary, configuration_item, service_id, created, responded, resolved, closed,
                pauses), warnings

    def _outside(self, pauses, created, resolved, raw, judge):
        """Pauses outside the ticket's life: without a rule, one straddling creation is an error (reported by
        `_pauses`) and one wholly outside is kept with a warning; with a rule, both are judged."""
        if Anomaly.PAUSE_OUTSIDE not in self.policy.rules:
            return pauses, outside_warnings(pauses, created, resolved, raw)
        inside = [(max(start, created), end if resolved is None or end is None else min(end, resolved))
                  for start, end in pauses
                  if not ((end is not None and end <= created) or (resolved is not None and start >= resolved))]
        if len(inside) == len(pauses) and all(a == b for a, b in zip(inside, pauses, strict=True)):
            return pauses, ()
        action = judge(Anomaly.PAUSE_OUTSIDE, "pauses", ("created", "resolved", "pauses"),
                       _t("A pause lies outside the ticket's life."), raw)
        return (tuple(inside) if action == RuleAction.REPAIR else pauses), ()

    def _instant(self, raw, name, fail, judge):
        """Epoch seconds of a time field, None if blank; a bad value goes to `fail`, a future one to the rules."""
        if raw is None or raw == "":
            return None
        try:
            if type(raw) is str:
                try:
                    value = datetime.fromisoformat(raw)
                except ValueError:
                    value = parse_instant(raw, self.zone)
            else:
                value = parse_instant(raw, self.zone)
        except BadValue as exc:
            fail(name, exc, raw)
            return None
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        seconds = int(value.timestamp())
        if seconds > self.latest:
            action = judge(Anomaly.FUTURE_TIME, name, (name,), _t("Lies in the future."), raw)
            if action == RuleAction.REPAIR:
                if name == "created":  # a ticket cannot be created "not yet": nothing to repair it with
                    raise _Excluded(Finding(Anomaly.FUTURE_TIME, RuleAction.EXCLUDE, name, {name: _text(raw)}))
                return None
        return seconds

    def _choice(self, raw, name, aliases, default, fail, judge):
        text = _text(raw)
        if not text:
            if default is None:
                fail(name, _t("Required."))
            return default
        value = _lookup(aliases, text)
        if value is None:
            action = judge(Anomaly.UNKNOWN_VALUE, name, (name,), _t(
                "Unknown %(field)s “%(value)s” (accepted: %(accepted)s).") % {
                "field": name, "value": text[:40],
                "accepted": ", ".join(sorted({str(v) for v in aliases.values()}))}, text,
                repair={"kind": display.message(UNKNOWN_KIND), "status": display.message(UNKNOWN_STATUS)}.get(name))
            if action == RuleAction.REPAIR:
                return {"priority": self.default_priority, "kind": TicketKind.INCIDENT, "status": ""}[name]
        return value

    def created_of(self, record):
        """The creation instant of a raw record (epoch seconds), or None when it cannot be read: for dating a
        finding about a row that was not imported."""
        try:
            value = parse_instant(record.get("created"), self.zone)
        except BadValue:
            return None
        return None if value is None else int(value.timestamp())

    def _service(self, raw, fail):
        text = _text(raw)
        if not text:
            return self.default_service
        service_id = self.services.get(text.lower())
        if service_id is None:
            fail("service", _t("Unknown service “%(value)s” (give its code or name from the catalogue).")
                 % {"value": text[:40]}, text)
        return service_id

    def _pauses(self, raw, created, fail):
        """"start/end; start/end" text (end blank = still waiting), or a list of {start, end} / [start, end]."""
        if raw is None or raw == "" or raw == []:
            return ()
        if isinstance(raw, str):
            items = [_split_interval(part) for part in re.split(r"[;；\n]", raw) if part.strip()]
        elif isinstance(raw, list):
            items = [(p.get("start"), p.get("end")) if isinstance(p, dict) else tuple(p) for p in raw]
        else:
            fail("pauses", _t("Pauses must be text “start/end; …” or a list."), raw)
            return ()
        pauses, open_count = [], 0
        for item in items:
            start_raw, end_raw = (list(item) + [None, None])[:2]
            try:
                start = parse_instant(start_raw, self.zone)
                end = parse_instant(end_raw, self.zone)
            except BadValue as exc:
                fail("pauses", exc, raw)
                return ()
            if start is None:
                fail("pauses", _t("A pause needs a start."), raw)
                return ()
            start = int(start.timestamp())
            end = None if end is None else int(end.timestamp())
            if end is not None and end < start:
                fail("pauses", _t("A pause ends before it starts."), raw)
                return ()
            if created is not None and start < created and (end is None or end > created) \
                    and Anomaly.PAUSE_OUTSIDE not in self.policy.rules:
                fail("pauses", _t("A pause starts before the ticket was created."), raw)
                return ()
            open_count += end is None
            pauses.append((start, end))
        if open_count > 1:
            fail("pauses", _t("Only one pause can still be open."), raw)
        return tuple(sorted(pauses))


def outside_warnings(pauses, created, resolved, raw):
    """A warning for the pauses that lie wholly outside the ticket's life, from created to resolved (or now)."""
    outside = [(start, end) for start, end in pauses
               if (end is not None and end <= created) or (resolved is not None and start >= resolved)]
    if not outside:
        return ()
    return [("pauses", ngettext("A pause lies wholly outside the ticket's life (before it was created or after "
                                "it was resolved): it was imported but does not count.",
                                "%(n)s pauses lie wholly outside the ticket's life (before it was created or after "
                                "it was resolved): they were imported but do not count.", len(outside)) % {
        "n": len(outside)}, "" if raw is None else str(raw)[:80])]


def raw_missing(value):
    return value is None or (isinstance(value, str) and not value.strip())
