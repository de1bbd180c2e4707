from django import template
from django.utils.translation import gettext as _t

register = template.Library()


@register.filter
def minutes(value):
    """Business minutes as a short duration: 15 min, 4 h, 2 h 30 min (hours of the service window, not days)."""
    if value in (None, ""):
        return "—"
    hours, mins = divmod(int(value), 60)
    if not hours:
        return _t("%(n)s min") % {"n": mins}
    text = _t("%(n)s h") % {"n": hours}
    minutes = _t("%(n)s min") % {"n": mins}
    return f"{text} {minutes}" if mins else text
