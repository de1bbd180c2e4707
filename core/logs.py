"""Logging filters (loaded by settings.LOGGING before the apps: no model imports here)."""

import logging


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
