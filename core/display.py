"""What a person reads for a stored value, in the active language and time zone (issue 11).

Pages (detail fields), history, e-mails and exports turn values into text here, so a time is never UTC, never has
seconds, microseconds or an offset, a list reads as a list, a choice as its label, a yes/no as words, and nothing
reaches a person as a Python literal (`None`, `[]`, `{'…`, `True`).

    value(obj.signed_at)                    -> "2026-11-30 14:00" (in the reader's zone)
    value(["a@x", "b@y"])                   -> "a@x、b@y" (Chinese) / "a@x, b@y" (English)
    field_value(contract, "status")         -> "已批准"
    stored(field, "2026-11-30T06:00:00Z")   -> "2026-11-30 14:00" (a value as the audit trail keeps it)
"""

import datetime
import decimal
import json

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

EMPTY = "—"


# Lists of choice codes kept in a JSON field (a report's sections, metrics shown): {(model label, field): choices}.
_ITEM_CHOICES = {}


def list_of_choices(model, field_name, choices):
    """Declare that `model.field_name` holds a list of `choices` codes, so pages and history show their labels."""
    _ITEM_CHOICES[(model._meta.label_lower, field_name)] = choices


def _item_labels(field):
    model = getattr(field, "model", None)
    choices = _ITEM_CHOICES.get((model._meta.label_lower, field.name)) if model is not None else None
    return dict(choices.choices) if choices is not None else None


def separator():
    """How items of a list are joined in the active language."""
    return "、" if (translation.get_language() or "").startswith("zh") else ", "


def joined(items):
    """A list as a person reads it; EMPTY when there is nothing."""
    texts = [value(item) for item in items]
    return separator().join(t for t in texts if t != EMPTY) or EMPTY


def datetime_text(moment):
    """`2026-11-12 14:00` in the active zone (the reader's, see core.middleware)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def date_text(day):
    return formats.date_format(day, "DATE_FORMAT")


def local_date(moment):
    """The date of a moment in the active zone: a contract signed on the 30th local is the 30th, whatever UTC says."""
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def value(obj):
    """Any stored value as text a person reads."""
    if obj is None or obj == "":
        return EMPTY
    if isinstance(obj, bool):
        return _t("Yes") if obj else _t("No")
    if isinstance(obj, datetime.datetime):
        return datetime_text(obj)
    if isinstance(obj, datetime.date):
        return date_text(obj)
    if isinstance(obj, datetime.time):
        return formats.time_format(obj, "TIME_FORMAT")
    if isinstance(obj, decimal.Decimal):
        return formats.localize(obj, use_l10n=False)
    if isinstance(obj, float):
        return f"{obj:g}"
    if isinstance(obj, (list, tuple, set, frozenset)):
        return joined(obj)
    if isinstance(obj, dict):
        return separator().join(f"{key}: {value(item)}" for key, item in obj.items()) or EMPTY
    if isinstance(obj, (models.QuerySet, models.Manager)):
        return joined(obj.all())
    if isinstance(obj, Promise):
        return str(obj)
    return str(obj)


def field_value(obj, name):
    """A model field of `obj` as a person reads it: the choice's label, the linked rows' names, the local time."""
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None:
        return value(display())
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a property named in detail_fields
        field = None
    if isinstance(field, models.ManyToManyField):
        return joined(getattr(obj, name).all())
    labels = _item_labels(field) if field is not None else None
    if labels is not None:
        return joined(str(labels.get(code, code)) for code in getattr(obj, name) or [])
    return value(getattr(obj, name))


def stored(field, raw, names=None):
    """A value as the audit trail stores it (JSON: ids, ISO strings, codes) for `field`, as a person reads it.

    `names` maps (related model, pk) to a linked row's name, looked up by the caller in one query per model.
    """
    names = names or {}
    if raw is None or raw == "" or raw == [] or raw == {}:
        return EMPTY
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, raw), f"#{raw}")
    if isinstance(field, models.ManyToManyField) and isinstance(raw, list):
        return joined(names.get((field.related_model, pk), f"#{pk}") for pk in raw)
    labels = _item_labels(field)
    if labels is not None and isinstance(raw, list):
        return joined(str(labels.get(code, code)) for code in raw)
    if field.choices:
        labels = dict(field.flatchoices)
        if isinstance(raw, list):
            return joined(str(labels.get(item, item)) for item in raw)
        return str(labels.get(raw, raw))
    if isinstance(field, models.DateTimeField) and isinstance(raw, str):
        parsed = parse_datetime(raw)
        return datetime_text(parsed) if parsed else raw
    if isinstance(field, models.DateField) and isinstance(raw, str):
        parsed = parse_date(raw[:10])
        return date_text(parsed) if parsed else raw
    if isinstance(field, models.DecimalField) and isinstance(raw, (str, int, float)):
        try:
            return value(decimal.Decimal(str(raw)))
        except decimal.InvalidOperation:
            return str(raw)
    return value(raw)


# ---- text the application writes into records (a comment in the history, a note on a transition) -------------

_MESSAGE = "\u2063i18n:"  # an invisible separator, then the message as data: never typed by a person


def message(msgid, **params):
    """A note the application writes into a record, kept as data (the English source text and its parameters,
    marked with gettext_noop by the caller) so that each reader reads it in their language: see `readable`.

        comment=display.message(gettext_noop("Signed with contract %(contract)s."), contract=contract.number)
    """
    return _MESSAGE + json.dumps([msgid, {key: str(item) for key, item in params.items()}], ensure_ascii=False)


def readable(text):
    """A stored note in the active language: a `message` translated now, anything a person wrote as written."""
    if not isinstance(text, str) or not text.startswith(_MESSAGE):
        return text
    try:
        msgid, params = json.loads(text[len(_MESSAGE):])
    except (ValueError, TypeError):
        return text
    translated = _t(msgid)
    try:
        return translated % params if params else translated
    except (KeyError, ValueError, TypeError):
        return translated


# ---- what a permission lets a person do -----------------------------------------------------------------------

ACTIONS = {
    "view": _("View"), "add": _("Create"), "change": _("Edit"), "delete": _("Delete"),
    "appoint": _("Appoint the project manager"), "recompute": _("Recompute"),
    "submit_revision": _("Submit the revised work plan"), "approve_revision": _("Approve the revised work plan"),
    "reject_revision": _("Reject the revised work plan"),
    "rework_revision": _("Return the revised work plan for rework"),
    "sign_in": _("Give or revoke a sign-in"), "sync": _("Sync with the service desk now"),
}


def action_label(model, action):
    """A permission's action as a person reads it: the model's workflow label for a transition (`approve_department`
    -> "Approve (department)"), else the common actions' names; never the code."""
    record_type = getattr(model, "record_type", None)
    if callable(record_type):
        try:
            return str(record_type().workflow.transition(action).label)
        except Exception:
            pass
    label = ACTIONS.get(action)
    return str(label) if label is not None else action.replace("_", " ")


def transition_repr(model, obj_repr):
    """An audit entry's object as stored for a transition (`SP-CON-… [approve] (on behalf of 王建国)`, language-
    neutral) with the action's label in the active language."""
    import re

    match = re.fullmatch(r"(?s)(.*) \[(\w+)\]( \(on behalf of (.*)\))?", obj_repr or "")
    if match is None:
        return obj_repr
    text = f"{match.group(1)} · {action_label(model, match.group(2))}" if model is not None else obj_repr
    if match.group(3):
        text += f" ({_t('on behalf of')} {match.group(4)})"
    return text
