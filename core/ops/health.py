"""`/healthz`: is this instance fit to serve? The database, the cache, the task queue and the workers, timed.

    {"status": "ok" | "degraded" | "down", "checks": {"database": {...}, "cache": {...}, "queue": {...},
     "workers": {...}}}

"down" (HTTP 503) when this instance cannot reach the database: it can serve nothing, the load balancer should
send its requests elsewhere. "degraded" (HTTP 200) when the cache fails, the queue cannot be read or no worker is
alive: the pages still work (background jobs wait), and the cause is shared by every instance, so taking this one
out of the load balancer would help nobody (docs/operations.md, "Health check").

Open to anyone and cheap: reads only (SELECT 1, two counts over the queue and the workers), one cache key of its
own, no session, no business figures; an error is named by its class only.
"""

import logging
import os
import socket
import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import workers

logger = logging.getLogger(__name__)

CACHE_KEY = f"servplan:healthz:{socket.gethostname()}:{os.getpid()}"
CACHE_SECONDS = 10
NO_WORKER_NEEDED = {"inline"}  # a backend that runs tasks where they are enqueued


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache():
    value = uuid.uuid4().hex
    cache.set(CACHE_KEY, value, CACHE_SECONDS)
    if cache.get(CACHE_KEY) != value:
        raise LookupError("the value set was not read back")
    return {}


def check_queue():
    depth = workers.queue_depth()
    return {"backend": workers.backend_kind(), "depth": sum(depth.values())}


def check_workers():
    summary = workers.heartbeat_summary()
    failed = summary["backend"] not in NO_WORKER_NEEDED and not summary["live"]
    return {**summary, **({"status": "failed", "error": "no live worker"} if failed else {})}


def timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = {"status": "ok", **check()}
    except Exception as exc:  # a health check reports every failure, whatever it is
        logger.warning("health check %s failed", check.__name__, exc_info=True)
        result = {"status": "failed", "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def status_of(checks) -> str:
    if checks["database"]["status"] != "ok":
        return "down"
    return "ok" if all(check["status"] == "ok" for check in checks.values()) else "degraded"


@require_safe
@never_cache
def healthz(request):
    checks = {"database": timed(check_database), "cache": timed(check_cache)}
    if checks["database"]["status"] == "ok":
        checks |= {"queue": timed(check_queue), "workers": timed(check_workers)}
    else:  # both read the database: each would wait for its own timeout
        checks |= {"queue": {"status": "skipped"}, "workers": {"status": "skipped"}}
    status = status_of(checks)
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)
