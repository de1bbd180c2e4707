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
