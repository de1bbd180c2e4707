"""Template filters of the live feed (webhook endpoints)."""

from django import template

from core.permissions import allowed

register = template.Library()


@register.filter
def may_see_feeds(user) -> bool:
    """Whether the user may see webhook endpoints (the matrix): the contract's tickets page links them only then."""
    from ..models import WebhookEndpoint

    return bool(user and user.is_authenticated and allowed(user, WebhookEndpoint, "view"))
