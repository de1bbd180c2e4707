"""Audit entries and transitions made readable: field labels, names of linked rows, state labels."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _t

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
    if value in (None, ""):
        return "—"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(field, models.ManyToManyField) and isinstance(value, list):
        return "、".join(names.get((field.related_model, pk), f"#{pk}") for pk in value) or "—"
    if field.name == "status" and states is not None:
        return _state_label(states, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _t("Yes") if value else _t("No")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return value[:19].replace("T", " ")
    return value


def _state_label(states, value):
    try:
        return str(states(value).label)
    except ValueError:
        return value


def describe_history(obj, entries):
    """[(entry, [(label, before, after), ...])] for a record's audit entries."""
    model = type(obj)
    entries = list(entries)
    names = _linked_names(model, entries)
    states = _states_of(obj)
    described = []
    for entry in entries:
        rows = []
        for attname, values in (entry.changes or {}).items():
            if attname in HIDDEN or not isinstance(values, list) or len(values) != 2:
                continue
            try:
                field = _field_for(model, attname)
            except FieldDoesNotExist:
                rows.append((attname, values[0], values[1]))
                continue
            rows.append((str(field.verbose_name), _display(field, values[0], names, states),
                         _display(field, values[1], names, states)))
        described.append((entry, rows))
    return described


def _states_of(obj):
    record_type = getattr(type(obj), "record_type", None)
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
        rows.append((row, label, _state_label(workflow.states, row.source), _state_label(workflow.states, row.target)))
    return rows
