"""Giving a customer contact a sign-in, and taking it back (the Service Department or Sales decide: the matrix's
`sign_in` on customers.contact).

A sign-in is a user of the customer's contact (customers.Contact.user) holding Role.CUSTOMER only: it reaches
its own organisation's records shared with the customer and nothing else (core.scopes, portal.workflows). The
initial password is random, shown once to the person who gave the sign-in, who hands it to the contact; it is
stored only as Django's hash. Revoking deactivates the user (kept: the audit trail names it); giving the sign-in
again reactivates it with a new password. Every step is audited.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit
from core.permissions import allowed
from core.roles import Role

PASSWORD_BYTES = 12  # 16 URL-safe characters


def may_give_sign_in(contact, user) -> bool:
    return allowed(user, contact, "sign_in")


def give_sign_in(contact, by, *, username, email=""):
    """Create (or reactivate) the contact's user with the customer contact role; returns (user, password), the
    password shown once."""
    from org.models import RoleAssignment, User

    if not may_give_sign_in(contact, by):
        raise PermissionDenied(_t("Only the Service Department or Sales gives a customer contact a sign-in."))
    email = (email or contact.email or "").strip()
    username = (username or "").strip()
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    with transaction.atomic():
        user = contact.user
        if user is None:
            if not username:
                raise ValidationError({"username": _t("Give the user name the contact signs in with.")})
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationError({"username": _t("This user name is taken.")})
            # No language of their own yet: pages in their browser's, e-mails and documents in the company's
            # (zh-hans), until they choose one in My settings.
            user = User(username=username, email=email, last_name=contact.name, title=contact.job_title,
                        phone=contact.phone)
            user.set_password(password)
            user.full_clean(exclude=["password"])
            user.save()
            audit.log_create(user, _t("sign-in of customer contact %(contact)s") % {"contact": contact}, user=by)
            before = audit.snapshot(contact)
            contact.user = user
            contact.save(update_fields=["user", "updated"])
            audit.log_update(contact, before, user=by)
        else:
            if user.is_active:
                raise ValidationError(_t("%(contact)s can already sign in.") % {"contact": contact})
            before = audit.snapshot(user)
            user.is_active = True
            user.set_password(password)
            user.save()
            audit.log_update(user, before, _t("sign-in given again"), user=by)
        if not RoleAssignment.objects.filter(user=user, role=Role.CUSTOMER).exists():
            assignment = RoleAssignment.objects.create(user=user, role=Role.CUSTOMER)
            audit.log_create(assignment, user=by)
    return user, password


def revoke_sign_in(contact, by):
    """The contact can no longer sign in (the user is deactivated, its API tokens deleted)."""
    if not may_give_sign_in(contact, by):
        raise PermissionDenied(_t("Only the Service Department or Sales gives a customer contact a sign-in."))
    user = contact.user
    if user is None or not user.is_active:
        raise ValidationError(_t("%(contact)s has no sign-in to revoke.") % {"contact": contact})
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        before = audit.snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        Token.objects.filter(user=user).delete()
        audit.log_update(user, before, _t("sign-in revoked"), user=by)
    return user
