"""`{% notification_bell %}`: the header's bell with the reader's unread count."""

from django import template

from ..models import Notification

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context):
    user = context.get("user") or getattr(context.get("request"), "user", None)
    signed_in = getattr(user, "is_authenticated", False)
    unread = Notification.objects.filter(recipient=user).pending().count() if signed_in else 0
    return {"unread": unread}
