"""Writes to records: every create, edit, new version and delete goes through here.

Each function runs in one transaction, writes its audit entry and keeps the
Record Register index current, so no request leaves a half-written record.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import F
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _t

from . import audit, rows
from .choices import AuditAction, RecordStatus
from .models import ChildRow, ControlledRecord, NumberingScheme, NumberSequence, RecordIndex
from .permissions import allowed


class StaleEdit(ValidationError):
    pass


def _check(user, obj, action):
    """The matrix and the object's scope: a project role writes only inside its own projects."""
    if not allowed(user, type(obj), action):
        raise PermissionDenied(_t("Your role may not do this."))
    if not allowed(user, obj, action):
        raise PermissionDenied(_t("This record is outside the projects you work on."))


def next_number(record_type, when=None) -> str:
    """Allocate the next 文件编号 for a record type; gap-free within a committed transaction."""
    year = (when or timezone.localdate()).year
    scheme = NumberingScheme.objects.filter(record_type=record_type.code).first() \
        or NumberingScheme(record_type=record_type.code, prefix=record_type.prefix)
    NumberSequence.objects.get_or_create(record_type=record_type.code, year=year)
    seq = NumberSequence.objects.select_for_update().get(record_type=record_type.code, year=year)
    NumberSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    return scheme.format(year, seq.last_value + 1)


def reindex(record):
    if not isinstance(record, ControlledRecord):
        return
    record_type = type(record).record_type()
    ct = ContentType.objects.get_for_model(record)
    project, contract = record.scope_object("project"), record.scope_object("contract")
    values = {
        "record_type": record_type.code,
        "number": record.number,
        "version": record.version,
        "title": record.title,
        "status": record.status,
        "department_id": record.owner_department_id,
        "author_id": record.author_id,
        "customer_id": record.customer_id,
        "project_label": str(project or ""),
        "contract_label": str(contract or ""),
        "project_ref": getattr(project, "pk", None),
        "contract_ref": getattr(contract, "pk", None),
        "is_latest": not type(record).objects.filter(predecessor=record).exists(),
        "created": record.created,
        "updated": record.updated,
        "url": record.get_absolute_url(),
    }
    RecordIndex.objects.update_or_create(content_type=ct, object_id=record.pk, defaults=values)


def create(instance, user, comment=""):
    """Save a new row. Controlled records get their number, author, version 1 and initial state."""
    model = type(instance)
    _check(user, instance, "add")
    with transaction.atomic():
        if isinstance(instance, ControlledRecord):
            record_type = model.record_type()
            instance.author = user
            instance.version = 1
            instance.status = record_type.workflow.initial
            instance.retention_years = instance.retention_years or record_type.retention_years
            instance.number = next_number(record_type)
        instance.full_clean()
        instance.save(force_insert=True)
        audit.log_create(instance, comment, user=user)
        reindex(instance)
    return instance


def update(instance, user, before: dict, expected_lock=None, comment=""):
    """Save an edited row; refuse a stale edit; approved records are never edited in place."""
    model = type(instance)
    _check(user, instance, "change")  # as it will be, and as it is: nothing moves into or out of one's reach
    stored = model.objects.get(pk=instance.pk)
    _check(user, stored, "change")
    if isinstance(instance, ChildRow):
        _stays_with_its_record(instance, stored)
    with transaction.atomic():
        if isinstance(instance, ControlledRecord):
            current = model.objects.select_for_update().get(pk=instance.pk)
            workflow = model.record_type().workflow
            if current.status not in workflow.editable_states:
                raise ValidationError(_t("A record in state “%(status)s” cannot be edited.")
                                      % {"status": current.get_status_display()})
            if expected_lock is not None and current.lock_version != int(expected_lock):
                raise StaleEdit(_t("Someone else saved this record after you opened it. Your changes "
                                       "were not saved: reload the page to see their version, then edit again."))
            instance.lock_version = current.lock_version + 1
        elif isinstance(instance, ChildRow) and instance.frozen_with_record:
            # The row's record as stored, so a row cannot be moved out of a frozen record either.
            rows.ensure_editable(model.objects.get(pk=instance.pk).owner_record())
        instance.full_clean()
        instance.save()
        audit.log_update(instance, before, comment, user=user)
        reindex(instance)
    return instance


def _stays_with_its_record(row, stored):
    """A row (a proposal line, an SLA target) belongs to its record for good: moving it to another record would
    rewrite both records' history, so a new row is written there instead."""
    if not row.parent_field:
        return
    parent = row._meta.get_field(row.parent_field)
    if getattr(row, parent.attname) != getattr(stored, parent.attname):
        raise ValidationError({row.parent_field: _t("A row stays with its %(record)s; add a new row to the other "
                                                    "one instead.") % {"record": parent.verbose_name}})


def log_links(instance, user, before: dict):
    """Audit changes of many-to-many links (saved after the row itself)."""
    if not before:
        return
    after = audit.m2m_snapshot(instance, before)
    changes = audit.diff(before, after)
    if changes:
        audit.record_entry(AuditAction.UPDATE, instance, changes=changes, snap=audit.snapshot(instance), user=user)


def new_version(record, user, comment=""):
    """Start the next version of an approved record; the approved one stays readable and in force."""
    model = type(record)
    _check(user, record, "change")
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=record.pk)
        if current.status not in model.record_type().workflow.frozen_states:
            raise ValidationError(_t("Only an approved record gets a new version; this one can be edited directly."))
        if model.objects.filter(predecessor=current).exists():
            raise ValidationError(_t("A newer version of this record already exists."))
        draft = model.objects.get(pk=current.pk)
        draft.pk = draft.id = None
        draft._state.adding = True
        draft.version = current.version + 1
        draft.status = model.record_type().workflow.initial
        draft.predecessor = current
        draft.author = user
        draft.approved_at = None
        draft.lock_version = 0
        draft.review_round = 0
        draft.change_note = ""
        for name in model.new_version_resets:
            setattr(draft, name, model._meta.get_field(name).get_default())
        draft.save(force_insert=True)
        rows.copy_rows(current.version_source(), draft, user)
        rows.copy_links(current, draft, user)
        current.on_new_version(draft, user)
        audit.record_entry(AuditAction.NEW_VERSION, draft, snap=audit.snapshot(draft), comment=comment, user=user,
                           changes={"version": [current.version, draft.version], "predecessor": [None, current.pk]})
        reindex(draft)
        reindex(current)
    return draft


def delete(instance, user, comment=""):
    """Delete a row and whatever cascades with it, each with its own audit entry; refuse protected rows."""
    model = type(instance)
    _check(user, instance, "delete")
    with transaction.atomic():
        predecessor = None
        if isinstance(instance, ControlledRecord):
            if instance.status != RecordStatus.DRAFT:
                raise ValidationError(_t("Only a draft may be deleted; controlled records are kept."))
            predecessor = instance.predecessor
        elif isinstance(instance, ChildRow) and instance.frozen_with_record:
            rows.ensure_editable(instance.owner_record())
        collector = Collector(using=router.db_for_write(model))
        try:
            collector.collect([instance])
        except (ProtectedError, RestrictedError) as exc:
            blockers = sorted({str(obj) for obj in list(exc.protected_objects if hasattr(exc, "protected_objects")
                                                         else exc.restricted_objects)[:5]})
            raise ValidationError(_t("“%(obj)s” cannot be deleted: it is still used by %(users)s.")
                                  % {"obj": instance, "users": ", ".join(blockers)}) from None
        for queryset in collector.fast_deletes:
            for row in queryset:
                collector.add([row])
        collector.fast_deletes = []
        for deleted in collector.data.values():
            for row in deleted:
                _forget(row)
                audit.log_delete(row, comment if row is instance else _t("deleted with %(obj)s") % {"obj": instance},
                                 user=user)
        collector.delete()
        if predecessor is not None:
            reindex(predecessor)


def _forget(row):
    if isinstance(row, ControlledRecord):
        RecordIndex.objects.filter(content_type=ContentType.objects.get_for_model(row), object_id=row.pk).delete()
