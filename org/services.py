"""Decisions about delegations that the page and the API share.

A delegation hands someone's approval rights to another user, so it is guarded like the rights themselves:
the signed-in user only ever delegates their own approvals; only the delegator (or an administrator) changes a
delegation, never its delegate; a change keeps who delegates to whom; a revoked delegation stays revoked; and
only the delegator lengthens the period (an administrator may end it earlier or revoke it). Every write goes
through core.records, so each change has its audit entry.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit, records
from core.roles import Role

from .models import Delegation


def may_change(delegation, user) -> bool:
    return delegation.delegator_id == user.pk or user.has_role(Role.ADMIN)


def save(delegation, user, comment=""):
    """Create or change a delegation as `user`; refuses whatever the rules above forbid."""
    if delegation.pk is None:
        delegation.delegator = user
        return records.create(delegation, user, comment=comment)
    with transaction.atomic():
        current = Delegation.objects.select_for_update().get(pk=delegation.pk)
        _check_change(current, delegation, user)
        return records.update(delegation, user, audit.snapshot(current), comment=comment)


def _check_change(current, changed, user):
    if not may_change(current, user):
        raise PermissionDenied(_t("Only the delegator or an administrator may change a delegation."))
    errors = {}
    if (changed.delegator_id, changed.delegate_id) != (current.delegator_id, current.delegate_id):
        errors["delegate"] = _t("A delegation cannot be handed to someone else; revoke it and create a new one.")
    if current.revoked:
        errors["revoked"] = _t("A revoked delegation cannot be changed; create a new one.")
    if current.delegator_id != user.pk and (changed.start < current.start or changed.end > current.end):
        errors["end"] = _t("Only the delegator may lengthen a delegation; an administrator may end it earlier "
                           "or revoke it.")
    if errors:
        raise ValidationError(errors)
