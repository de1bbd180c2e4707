"""A record's rows and links, written one way for pages, API and imports.

A row type says what it belongs to (`ChildRow.parent_field`); from that, this module finds a record's rows,
copies them into a new version, and replaces them from a list of dicts. Many-to-many links are set the same
way. Every write goes through core.records, so each row is permission-checked, validated and audited.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _t

from . import audit, records
from .choices import AuditAction


def ensure_editable(record):
    """Refuse a change to a record or its rows and links unless the record is a draft or returned (a parent that
    is not a controlled record, such as a calendar or a meeting, has no such rule)."""
    if record.pk and not getattr(record, "is_editable", True):
        raise ValidationError(
            _t("%(record)s is %(status)s: it changes only in a draft or returned version (start a new version "
               "to change it).") % {"record": record, "status": record.get_status_display()},
            code="frozen")


def child_relations(model) -> list:
    """The reverse relations of `model` to its ChildRow types, rows referred to by other rows first."""
    from .models import ChildRow

    relations = [rel for rel in model._meta.related_objects
                 if rel.one_to_many and issubclass(rel.related_model, ChildRow)
                 and rel.field.name == rel.related_model.parent_field]

    def refers_to_siblings(rel):
        return any(f.is_relation and f.many_to_one and f.related_model is other.related_model
                   for other in relations if other is not rel for f in rel.related_model._meta.fields)

    return sorted(relations, key=refers_to_siblings)


def relation(model, name):
    for rel in child_relations(model):
        if rel.get_accessor_name() == name:
            return rel
    raise LookupError(f"{model._meta.label} has no rows called {name}")


def rows_of(parent, rel):
    return rel.related_model._default_manager.filter(**{rel.field.name: parent}).order_by("pk")


# ---- new versions ------------------------------------------------------------------------------

def copy_rows(source, target, user):
    """Copy every row of `source` (and rows of rows) to `target`; references between copied rows follow."""
    copied = {(type(source), source.pk): target}
    _copy(type(source), source.pk, target, user, copied)


def _copy(model, source_pk, target, user, copied):
    for rel in child_relations(model):
        row_model = rel.related_model
        copies, deferred = [], []
        for row in row_model._default_manager.filter(**{rel.field.attname: source_pk}).order_by("pk"):
            original_pk = row.pk
            links = {f.name: list(getattr(row, f.name).all()) for f in row._meta.many_to_many}
            row.pk = row.id = None
            row._state.adding = True
            setattr(row, rel.field.name, target)
            later = _follow_references(row, copied)
            row.save(force_insert=True)
            for name, values in links.items():
                getattr(row, name).set([copied.get((type(v), v.pk), v) for v in values])
            copied[(row_model, original_pk)] = row
            copies.append((original_pk, row))
            if later:
                deferred.append((row, later))
        for row, later in deferred:
            for name, key in later.items():
                setattr(row, name, copied[key])
            row.save(update_fields=list(later))
        for original_pk, row in copies:
            audit.log_create(row, _t("Copied to the new version."), user=user)
            _copy(row_model, original_pk, row, user, copied)


def _follow_references(row, copied):
    """Point the row's foreign keys at the copies of copied rows; a reference to a sibling not yet copied
    (a task's parent) is left empty and returned, to be set once that sibling exists."""
    later = {}
    for field in row._meta.fields:
        if not (field.is_relation and field.many_to_one):
            continue
        key = (field.related_model, getattr(row, field.attname))
        if key[1] is None:
            continue
        if key in copied:
            setattr(row, field.name, copied[key])
        elif field.related_model is type(row):
            later[field.name] = key
            setattr(row, field.name, None)
    return later


def copy_links(source, target, user):
    """The record's own many-to-many links (participants, reviewers) carry over to its new version."""
    changes = {}
    for field in source._meta.many_to_many:
        values = list(getattr(source, field.name).values_list("pk", flat=True))
        if values:
            getattr(target, field.name).set(values)
            changes[field.name] = [[], sorted(values)]
    if changes:
        audit.record_entry(AuditAction.UPDATE, target, changes=changes, snap=audit.snapshot(target), user=user)


# ---- writing rows and links from a list (forms, API, imports) --------------------------------------

def replace(parent, name, rows: list[dict], user):
    """Make the parent's rows called `name` equal `rows` (dicts of field values).

    Rows are matched to existing ones by the row type's `row_key` (or by "id" when it has none): matched rows
    are updated when they differ, others created, and existing rows not listed are deleted. Rows of rows
    (a list under a relation name of the row type) are replaced the same way. All or nothing.
    """
    rel = relation(type(parent), name)
    model = rel.related_model
    key_fields = model.row_key or ("id",)
    with transaction.atomic():
        current = {tuple(_key_value(getattr(r, f)) for f in key_fields): r for r in rows_of(parent, rel)}
        wanted = {}
        for data in rows:
            key = tuple(_key_value(data.get(f)) for f in key_fields)
            if key in wanted and key != (None,):
                raise ValidationError({name: _t("%(key)s is listed twice.") % {"key": " / ".join(map(str, key))}})
            wanted.setdefault(key, []).append(data)
        for key, row in current.items():
            if key not in wanted:
                records.delete(row, user)
        for key, listed in wanted.items():
            for data in listed:
                _write_row(parent, rel, current.get(key), dict(data), user)


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value


def _write_row(parent, rel, row, data, user):
    model = rel.related_model
    nested = {name: data.pop(name) for name in [r.get_accessor_name() for r in child_relations(model)]
              if name in data}
    links = {f.name: data.pop(f.name) for f in model._meta.many_to_many if f.name in data}
    data.pop("id", None)
    if row is None:
        row = records.create(model(**{rel.field.name: parent}, **data), user)
    else:
        before = audit.snapshot(row)
        for field_name, value in data.items():
            setattr(row, field_name, value)
        if audit.diff(before, audit.snapshot(row)):
            records.update(row, user, before)
    for field_name, values in links.items():
        set_links(row, field_name, values, user)
    for child_name, child_rows in nested.items():
        replace(row, child_name, child_rows, user)
    return row


def set_links(instance, name, values, user):
    """Set a many-to-many link to `values` (objects or pks); audited when it changes."""
    field = getattr(instance, name)
    before = sorted(field.values_list("pk", flat=True))
    field.set(values)
    after = sorted(field.values_list("pk", flat=True))
    if before != after:
        audit.record_entry(AuditAction.UPDATE, instance, changes={name: [before, after]},
                           snap=audit.snapshot(instance), user=user)
