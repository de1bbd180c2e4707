"""Logins, logouts and failed logins go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core import audit
from core.choices import AuditAction
from core.middleware import bind_actor


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    bind_actor(request, user)
    audit.record_entry(AuditAction.LOGIN, user, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record_entry(AuditAction.LOGOUT, user, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    audit.record_entry(AuditAction.LOGIN_FAILED, None, obj_repr=str(username)[:150],
                       comment="locked out" if getattr(request, "axes_locked_out", False) else "")
