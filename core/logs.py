"""Logging filters and the JSON line formatter (loaded by settings.LOGGING before the apps: no model imports here)."""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import empty


def _escaped(value) -> str:
    # As Django's log_response does: no control characters from the request reach the log.
    return str(value).encode("unicode_escape").decode("ascii")


class RefusedRequestLogFilter(logging.Filter):
    """A refused request (4xx: permission denied, not found, bad request) becomes one line without a traceback.

    Refusals are expected behaviour, not faults: a traceback per refused request buries real errors. Server
    errors (5xx) keep theirs.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if status is None or not 400 <= status < 500 or request is None:
            return True
        exception = record.exc_info[1] if record.exc_info else None
        reason = " ".join(str(exception or "").split())[:200]
        user = getattr(request, "user", None)
        username = user.get_username() if getattr(user, "is_authenticated", False) else "-"
        record.msg = "refused %s %s status=%s user=%s request_id=%s%s"
        record.args = (request.method, _escaped(request.path), status, _escaped(username),
                       _escaped(getattr(request, "id", "-")), f" reason={_escaped(reason)}" if reason else "")
        record.exc_info = record.exc_text = None
        return True


# ---- JSON lines (SERVPLAN_LOG_FORMAT=json) and the fields every line of a request or a job carries ---------------

_fields: ContextVar[dict] = ContextVar("servplan_log_fields", default={})


def bind(**fields):
    """Add `fields` to every line logged from here on in this context (a request, a job); returns the token that
    `unbind` takes to put the fields back as they were."""
    return _fields.set({**_fields.get(), **fields})


def unbind(token):
    _fields.reset(token)


def bound() -> dict:
    return _fields.get()


def _user_id(user):
    # The user of a request is read lazily from the session: a log line never makes the query itself.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


def _request_fields(request) -> dict:
    """The fields of a request a line names but was not written while it was served (Django logs a 4xx response
    a view returned after the middleware has finished with the request)."""
    if request is None or not hasattr(request, "id"):
        return {}
    match = getattr(request, "resolver_match", None)
    return {"request_id": request.id, "method": request.method, "path": request.path,
            **({"view": match.view_name} if match else {}), "user": getattr(request, "user", None)}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message; in a request its id, the user's id,
    method, path and view (the url name); in a job the task, its id and the id of the request that enqueued it
    (core.ops.taskcontext); the status of a logged response; the traceback of an exception, in the same line."""

    def format(self, record):
        from . import context

        actor = context.current()
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = dict(bound() or _request_fields(getattr(record, "request", None)))
        line["request_id"] = fields.get("request_id") or actor.request_id or None
        line["user_id"] = _user_id(fields.pop("user", None) or actor.user)
        line.update((key, value) for key, value in fields.items() if key != "request_id")
        if (status := getattr(record, "status_code", None)) is not None:
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
