"""Reading one cell of a customer file: text, whole numbers, decimals, months, configuration-item kinds.

Each reader returns the value or raises BadValue with a message that names what was expected.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _t

from core.exports.cells import inert

from .choices import ItemKind

ITEM_KIND_ALIASES = {
    "server": ItemKind.SERVER, "服务器": ItemKind.SERVER, "主机": ItemKind.SERVER,
    "network": ItemKind.NETWORK, "网络": ItemKind.NETWORK, "网络设备": ItemKind.NETWORK,
    "application": ItemKind.APPLICATION, "应用": ItemKind.APPLICATION, "应用系统": ItemKind.APPLICATION,
    "软件": ItemKind.APPLICATION,
    "storage": ItemKind.STORAGE, "存储": ItemKind.STORAGE, "存储设备": ItemKind.STORAGE,
    "other": ItemKind.OTHER, "其他": ItemKind.OTHER, "其它": ItemKind.OTHER,
}


class BadValue(ValueError):
    pass


# ---- parsing one cell ---------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value):
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadValue(_t("“%(value)s” is not a whole number.") % {"value": text[:40]}) from None
    if number != number.to_integral_value() or number < 0:
        raise BadValue(_t("“%(value)s” is not a whole number of 0 or more.") % {"value": text[:40]})
    return int(number)


def _decimal(value):
    text = _text(value).rstrip("%％").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise BadValue(_t("“%(value)s” is not a number.") % {"value": text[:40]}) from None


_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})?\s*日?)?\s*月?$")


def _month(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    text = _text(value)
    match = _MONTH.match(text)
    if not match:
        raise BadValue(_t("“%(value)s” is not a month (use e.g. 2026-03).") % {"value": text[:40]})
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise BadValue(_t("“%(value)s” is not a month (use e.g. 2026-03).") % {"value": text[:40]})
    return date(year, month, 1)


def _item_kind(value):
    text = _text(value)
    if not text:
        return ""
    kind = ITEM_KIND_ALIASES.get(text.lower()) or ITEM_KIND_ALIASES.get(text)
    if kind is None:
        for choice in ItemKind:
            if text in (str(choice.label), choice.value):
                return choice.value
        raise BadValue(_t("Unknown kind “%(value)s”; use one of: %(kinds)s.") % {
            "value": text[:40], "kinds": ", ".join(f"{c.value} / {c.label}" for c in ItemKind)})
    return kind


def _stored_text(value) -> str:
    """A text value as stored: a leading formula character is neutralised (core.exports.cells.inert)."""
    return inert(_text(value))


PARSERS = {"text": _stored_text, "int": _int, "decimal": _decimal, "month": _month, "item_kind": _item_kind}


# ---- reading, validating, writing ---------------------------------------------------------------
