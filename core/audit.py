"""The audit service: every write in ServPlan goes through `record_entry`.

Entries are append-only and hash-chained: each entry's hash covers its own
content and the previous entry's hash, so an edit or deletion anywhere in the
chain is found by `manage.py verify_audit`. Appends lock the single chain-head
row, which serialises them across processes on every database.
"""

import datetime
import decimal
import hashlib
import json
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context
from .choices import AuditAction
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64
# Bookkeeping that changes without a business edit, and secrets, stay out of snapshots.
SNAPSHOT_EXCLUDED = {"updated", "password", "last_login"}
HASHED_FIELDS = ("seq", "at", "username", "action", "content_type_id", "object_id", "object_repr", "changes",
                 "snapshot", "comment", "request_id", "ip", "prev_hash")


def to_jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, FieldFile):  # an empty one has no url (hasattr would raise)
        return value.name or ""
    return value


def _as_stored(field, value):
    """The value as the database will give it back, so a snapshot taken before a save equals one read after."""
    if value is None:
        return None
    try:
        value = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value
    if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
        return value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC)
    return value


def snapshot(instance) -> dict:
    """The concrete field values of a row, as stored (foreign keys by id)."""
    data = {}
    # Derived columns (recomputed from audited ones, e.g. a WBS code) are declared by the model.
    skipped = SNAPSHOT_EXCLUDED | set(getattr(type(instance), "audit_derived_fields", ()))
    for f in instance._meta.concrete_fields:
        if f.name in skipped:
            continue
        data[f.attname] = to_jsonable(_as_stored(f, getattr(instance, f.attname)))
    return data


def m2m_snapshot(instance, names) -> dict:
    """Sorted ids per many-to-many field, for auditing edits of those links."""
    return {name: sorted(getattr(instance, name).values_list("pk", flat=True)) for name in names}


def diff(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)
            and k not in {"lock_version"}}


def compute_hash(entry: AuditEntry) -> str:
    payload = {name: to_jsonable(getattr(entry, name)) for name in HASHED_FIELDS}
    if isinstance(entry.at, datetime.datetime):
        payload["at"] = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record_entry(action, instance=None, *, changes=None, snap=None, comment="", user=None, obj_repr=None,
                 content_type=None, object_id=None) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction."""
    actor = context.current()
    user = user if user is not None else actor.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if content_type is None and instance is not None:
        content_type = ContentType.objects.get_for_model(instance)
    with transaction.atomic():
        head = _lock_head()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            user=user,
            username=getattr(user, "username", "") or "",
            action=action,
            content_type=content_type,
            object_id=str(object_id if object_id is not None else (instance.pk if instance is not None else "")),
            object_repr=(obj_repr if obj_repr is not None else (str(instance) if instance is not None else ""))[:300],
            changes=to_jsonable(changes or {}),
            snapshot=to_jsonable(snap or {}),
            comment=comment or "",
            request_id=actor.request_id or "",
            ip=actor.ip,
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


def log_create(instance, comment="", user=None):
    snap = snapshot(instance)
    return record_entry(AuditAction.CREATE, instance, changes={k: [None, v] for k, v in snap.items()}, snap=snap,
                        comment=comment, user=user)


def log_update(instance, before: dict, comment="", user=None):
    snap = snapshot(instance)
    changes = diff(before, snap)
    return record_entry(AuditAction.UPDATE, instance, changes=changes, snap=snap, comment=comment, user=user)


def log_delete(instance, comment="", user=None):
    return record_entry(AuditAction.DELETE, instance, changes={k: [v, None] for k, v in snapshot(instance).items()},
                        comment=comment, user=user)


def history_for(instance):
    ct = ContentType.objects.get_for_model(instance)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("user") \
        .order_by("seq")


class ChainProblem(str):
    """A problem `verify_chain` found: its text (what `verify_audit` prints) and what it is about, so a reader can
    be told in their language (kind: missing, unlinked, altered, removed, deleted, changed)."""

    def __new__(cls, text, kind, model=None, object_id=None, fields=()):
        problem = super().__new__(cls, text)
        problem.kind, problem.model, problem.object_id, problem.fields = kind, model, object_id, tuple(fields)
        return problem


def verify_chain(check_rows=True, using=DEFAULT_DB_ALIAS):
    """Yield (seq, ChainProblem) for each problem found; empty means the chain and the audited rows are intact."""
    expected_prev = GENESIS
    expected_seq = 1
    last_snapshots = {}
    for entry in AuditEntry.objects.using(using).order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            yield entry.seq, ChainProblem(f"entry #{expected_seq} is missing (next found is #{entry.seq})", "missing")
            return
        if entry.prev_hash != expected_prev:
            yield entry.seq, ChainProblem(f"entry #{entry.seq} does not link to the entry before it", "unlinked")
            return
        if compute_hash(entry) != entry.hash:
            yield entry.seq, ChainProblem(f"entry #{entry.seq} was altered after it was written", "altered")
            return
        expected_prev, expected_seq = entry.hash, entry.seq + 1
        if entry.content_type_id and entry.object_id:
            key = (entry.content_type_id, entry.object_id)
            if entry.action == "delete":
                last_snapshots.pop(key, None)
            elif entry.snapshot:
                last_snapshots[key] = (entry.seq, entry.snapshot)
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        yield head.last_seq, ChainProblem(f"entries after #{expected_seq - 1} were removed (chain head is "
                                           f"#{head.last_seq})", "removed")
        return
    if check_rows:
        yield from _verify_rows(last_snapshots, using)


def _verify_rows(last_snapshots, using):
    """Each audited row must still hold what its last audit entry says it holds."""
    by_type: dict[int, dict[str, tuple]] = {}
    for (ct_id, obj_id), value in last_snapshots.items():
        by_type.setdefault(ct_id, {})[obj_id] = value
    for ct_id, entries in by_type.items():
        model = ContentType.objects.db_manager(using).get_for_id(ct_id).model_class()
        if model is None:
            continue
        pks = list(entries)
        rows = {str(obj.pk): obj for obj in model._base_manager.using(using).filter(pk__in=pks)}
        for obj_id, (seq, snap) in sorted(entries.items(), key=lambda kv: kv[1][0]):
            row = rows.get(obj_id)
            if row is None:
                yield seq, ChainProblem(f"{model._meta.label} #{obj_id} was deleted outside ServPlan "
                                        f"(last audited in #{seq})", "deleted", model, obj_id)
                continue
            current = snapshot(row)
            changed = sorted(k for k in snap if k in current and current[k] != snap[k])
            if changed:
                yield seq, ChainProblem(f"{model._meta.label} #{obj_id} was changed outside ServPlan "
                                        f"(fields {', '.join(changed)}; last audited in #{seq})",
                                        "changed", model, obj_id, changed)
