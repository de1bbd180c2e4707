"""Who is acting, from which request: read by the audit service.

Set by the request middleware for web and API calls and by `acting_as`
for commands and background tasks, so every write carries an actor.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object = None
    request_id: str = ""
    ip: str | None = None


_current: ContextVar[Actor] = ContextVar("servplan_actor", default=Actor())


def current() -> Actor:
    return _current.get()


def set_current(actor: Actor):
    return _current.set(actor)


def reset(token):
    _current.reset(token)


@contextmanager
def acting_as(user=None, request_id=None, ip=None):
    token = _current.set(Actor(user, request_id or f"task-{uuid.uuid4().hex[:16]}", ip))
    try:
        yield
    finally:
        _current.reset(token)


# ---- the reader's language and time zone -------------------------------------------------------------------------

def zone_of(user):
    """The zone a user reads times in: their setting, else the company's (settings.TIME_ZONE)."""
    import zoneinfo

    from django.conf import settings

    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def language_of(user):
    """The language a user reads: their setting, else the company's (settings.LANGUAGE_CODE)."""
    from django.conf import settings

    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@contextmanager
def user_locale(user, unset_keeps_active=False):
    """Write for `user`: their language and zone active inside the block (an e-mail, a notification, a file made
    by a background job for them), the previous ones restored after. A user who chose no language reads the
    company's, or, with `unset_keeps_active`, the language already active (a job run for the request that asked
    for it, in the language that request was read in)."""
    from django.utils import timezone, translation

    language = getattr(user, "language", "") or (translation.get_language() if unset_keeps_active else "")
    with translation.override(language or language_of(user)), timezone.override(zone_of(user)):
        yield


def by_locale(users):
    """[(a user of the group, [users])] of people who read the same language in the same zone: one e-mail per
    group, written inside `user_locale(first)`, instead of one language and zone for all."""
    groups = {}
    for user in users:
        groups.setdefault((language_of(user), zone_of(user).key), []).append(user)
    return [(members[0], members) for members in groups.values()]
