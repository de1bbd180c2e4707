"""Writes to the catalogue beyond a single row: tier child rows and supporting services, all audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit, records
from core.choices import AuditAction

from .models import PriorityTarget, SkillRequirement

CHILD_RELATIONS = {"priority_targets": (PriorityTarget, ("priority",)),
                   "skills": (SkillRequirement, ("skill", "level"))}


def copy_children(old, new):
    """Copy the child rows of tier version `old` to its new version `new` (called by core.records.new_version)."""
    for related_name in CHILD_RELATIONS:
        for row in getattr(old, related_name).all():
            row.pk = row.id = None
            row._state.adding = True
            row.tier = new
            row.save(force_insert=True)
            audit.log_create(row, _t("Copied from version %(v)s.") % {"v": old.version})


def ensure_editable(tier):
    if not tier.is_editable:
        raise ValidationError(_t("%(tier)s is %(status)s: its rows change only in a draft or returned version.")
                              % {"tier": tier, "status": tier.get_status_display()})


def replace_children(tier, user, related_name, rows):
    """Make the tier's rows of one relation equal `rows` (dicts), matching existing rows by their key fields.

    Unchanged rows are left alone, changed ones updated, missing ones deleted, new ones created: each write
    audited. Used by the API, where a client sends the whole list.
    """
    model, key_fields = CHILD_RELATIONS[related_name]
    ensure_editable(tier)
    with transaction.atomic():
        current = {tuple(getattr(r, f) for f in key_fields): r for r in getattr(tier, related_name).all()}
        wanted = {}
        for data in rows:
            key = tuple(data.get(f) for f in key_fields)
            if key in wanted:
                raise ValidationError({related_name: _t("%(key)s is listed twice.")
                                       % {"key": " / ".join(map(str, key))}})
            wanted[key] = data
        for key, row in current.items():
            if key not in wanted:
                records.delete(row, user)
        for key, data in wanted.items():
            row = current.get(key)
            if row is None:
                records.create(model(tier=tier, **data), user)
                continue
            before = audit.snapshot(row)
            for name, value in data.items():
                setattr(row, name, value)
            if audit.diff(before, audit.snapshot(row)):
                records.update(row, user, before)


def record_supporting_change(service, user, before: list[int]):
    """Many-to-many changes are not in a row snapshot, so they get their own audit entry."""
    after = sorted(service.supporting_services.values_list("pk", flat=True))
    if after != sorted(before):
        audit.record_entry(AuditAction.UPDATE, service, user=user,
                           changes={"supporting_services": [sorted(before), after]})


def set_supporting_services(service, user, services):
    if any(s.pk == service.pk for s in services):
        raise ValidationError({"supporting_services": _t("A service cannot support itself.")})
    before = list(service.supporting_services.values_list("pk", flat=True))
    service.supporting_services.set(services)
    record_supporting_change(service, user, before)


def delete_with_rows(instance, user, comment=""):
    """Delete a tier or a calendar together with its rows.

    core.records.delete audits every row that cascades with it and refuses rows still referenced elsewhere
    (a calendar version a ticket was measured with) with a message naming them.
    """
    from .models import ServiceTier

    if isinstance(instance, ServiceTier):
        ensure_editable(instance)
    records.delete(instance, user, comment)
