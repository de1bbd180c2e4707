"""Audit entries and transitions made readable: field labels, names of linked rows, state labels."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _t

from . import display
from .workflow import WorkflowError

HIDDEN = {"id", "lock_version", "review_round", "created"}


def _field_for(model, attname):
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    field = model._meta.get_field(attname)  # many-to-many links are audited under their name
    if not isinstance(field, models.ManyToManyField):
        raise FieldDoesNotExist(attname)  # e.g. a reverse relation summarised by the app itself
    return field


def _linked_names(model, entries):
    """{(related model, pk): str} for every foreign key value in the entries, one query per related model."""
    wanted: dict[type, set] = {}
    for entry in entries:
        for attname, values in (entry.changes or {}).items():
            try:
                field = _field_for(model, attname)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.ForeignKey) and isinstance(values, list):
                wanted.setdefault(field.related_model, set()).update(v for v in values if v is not None)
            elif isinstance(field, models.ManyToManyField) and isinstance(values, list):
                wanted.setdefault(field.related_model, set()).update(
                    pk for ids in values if isinstance(ids, list) for pk in ids)
    names = {}
    for related, pks in wanted.items():
        for obj in related._base_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
    return names


def _display(field, value, names, states):
    if field.name == "status" and states is not None and value not in (None, ""):
        return _state_label(states, value)
    if isinstance(field, models.JSONField) and display._item_labels(field) is None:
        return _json_summary(value)
    return display.stored(field, value, names)


def _json_summary(value):
    """Structured data a service keeps (a frozen snapshot, a list of addresses): a list of plain values reads as a
    list; anything deeper is summarised, its content shown by the record's own page."""
    if value in (None, "", [], {}):
        return display.EMPTY
    if isinstance(value, list) and all(not isinstance(item, (list, dict)) for item in value):
        return display.joined(value)
    return _t("recorded")


def _state_label(states, value):
    try:
        return str(states(value).label)
    except ValueError:
        return value


def describe_history(obj, entries):
    """[(entry, [(label, before, after), ...])] for a record's audit entries."""
    return describe_changes(type(obj), list(entries), _states_of(obj))


def describe_changes(model, entries, states=None, names=True):
    """[(entry, [(label, before, after), ...])] for audit entries of rows of `model`: field labels, the names of
    linked rows (`names=False`: their numbers, without a query), state and choice labels, local times;
    bookkeeping fields left out."""
    names = _linked_names(model, entries) if names else {}
    described = []
    for entry in entries:
        rows = []
        for attname, values in (entry.changes or {}).items():
            if attname in HIDDEN or not isinstance(values, list) or len(values) != 2:
                continue
            try:
                field = _field_for(model, attname)
            except FieldDoesNotExist:
                rows.append(_unmodelled(model, attname, values))
                continue
            rows.append((str(field.verbose_name), _display(field, values[0], names, states),
                         _display(field, values[1], names, states)))
        entry.readable_comment = display.readable(entry.comment)
        described.append((entry, rows))
    return described


def _unmodelled(model, name, values):
    """A change an app audits under a name that is no field (a count of rows it keeps, say `tasks`): labelled by
    the related rows' name where there is one, the values read like any other."""
    label = name.replace("_", " ")
    for relation in model._meta.related_objects:
        if name in (relation.name, relation.get_accessor_name(), relation.related_model._meta.model_name + "s"):
            label = str(relation.related_model._meta.verbose_name_plural)
            break
    return (label, display.value(values[0]), display.value(values[1]))


def _states_of(obj):
    record_type = getattr(obj if isinstance(obj, type) else type(obj), "record_type", None)
    if not callable(record_type):  # not a record (a numbering scheme has a field of that name)
        return None
    try:
        return record_type().workflow.states
    except LookupError:
        return None


def describe_transitions(obj, log):
    """[(log row, action label, from label, to label)] using the record type's workflow labels."""
    workflow = type(obj).record_type().workflow
    rows = []
    for row in log:
        try:
            label = str(workflow.transition(row.transition).label)
        except WorkflowError:
            label = _t("Superseded") if row.transition == "supersede" else row.transition
        row.readable_comment = display.readable(row.comment)
        rows.append((row, label, _state_label(workflow.states, row.source), _state_label(workflow.states, row.target)))
    return rows
