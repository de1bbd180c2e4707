"""Prometheus metrics at /metrics (prometheus_client): requests, latencies, background tasks, import rows.

Each ServPlan instance exposes its own figures. Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR
(an empty folder, emptied when the instance starts) for every process of the instance, the background workers
on its host included: each process writes its counters there and /metrics adds them up
(prometheus_client's multiprocess mode). Without it, the figures are those of the process that answers.

Labels are bounded: a request is counted by its view (the resolved url name, never the path), its method and its
status class; a task by its function's path. The queue depth and the workers are read at scrape time.
"""

import ipaddress
import logging
import os
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from .. import workers

logger = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The budgets (docs/performance.md): p95 under 300 ms for a page, under 1 s under load.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter("servplan_http_requests_total", "Requests answered, by view (url name), method and status class",
                   ["view", "method", "status"])
LATENCY = Histogram("servplan_http_request_duration_seconds",
                    "Time to build the response (to its first byte for a streamed one), by view and method",
                    ["view", "method"], buckets=LATENCY_BUCKETS)
TASKS_FINISHED = Counter("servplan_tasks_finished_total",
                         "Background tasks finished, by task (function path) and status (successful, failed)",
                         ["task", "status"])
IMPORT_ROWS = Counter("servplan_import_rows_total",
                      "Ticket rows read by imports, by outcome (created, updated, unchanged; refused: the rows of "
                      "an import that was rejected or failed, which wrote none)", ["outcome"])


# ---- requests ---------------------------------------------------------------------------------------------------

def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unresolved"


class RequestMetricsMiddleware:
    """Counts and times every request. First in MIDDLEWARE, so the time includes the other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view, method = view_label(request), request.method if request.method in METHODS else "other"
        LATENCY.labels(view, method).observe(time.perf_counter() - started)
        REQUESTS.labels(view, method, f"{response.status_code // 100}xx").inc()
        return response


# ---- background tasks and imports ------------------------------------------------------------------------------

def task_finished(sender, task_result, **kwargs):
    status = getattr(task_result.status, "value", task_result.status)
    TASKS_FINISHED.labels(task_result.task.module_path, str(status).lower()).inc()


def count_import(created, updated, unchanged, total, refused):
    """An import's rows, once, when it is audited (servicedata's importer): by outcome, or all `total` refused
    (`refused` true: the import was rejected or failed)."""
    if refused:
        IMPORT_ROWS.labels("refused").inc(total)
        return
    for outcome, rows in (("created", created), ("updated", updated), ("unchanged", unchanged)):
        IMPORT_ROWS.labels(outcome).inc(rows)


def connect():
    from django_tasks.signals import task_finished as finished

    finished.connect(task_finished, dispatch_uid="servplan.metrics.task_finished")


class QueueCollector:
    """Read at scrape time: tasks waiting per queue, and the workers alive (the same from every instance: a
    dashboard takes the max across instances, not the sum)."""

    def collect(self):
        try:
            depth, beat = workers.queue_depth(), workers.heartbeat_summary()
        except DatabaseError:
            logger.warning("metrics: the task queue could not be read", exc_info=True)
            return
        queued = GaugeMetricFamily("servplan_task_queue_depth", "Background tasks waiting to run, by queue",
                                   labels=["queue"])
        for queue, n in depth.items():
            queued.add_metric([queue], n)
        alive = GaugeMetricFamily("servplan_task_workers", "Background workers by heartbeat (live: within the "
                                  "lease; stale: past it, not yet swept)", labels=["backend", "state"])
        for state in ("live", "stale"):
            alive.add_metric([beat["backend"], state], beat[state])
        yield queued
        yield alive


# ---- the endpoint ----------------------------------------------------------------------------------------------

def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(QueueCollector())
    return generate_latest(registry)


def allowed_networks():
    return [ipaddress.ip_network(net.strip(), strict=False)
            for net in settings.SERVPLAN_METRICS_ALLOWED_NETWORKS.split(",") if net.strip()]


def from_allowed_network(request) -> bool:
    """The peer is in an allowed network and the request did not come through the proxy (which would make every
    client look like the proxy's own address): Prometheus scrapes each instance directly."""
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in allowed_networks())


def bearer_token(request) -> str | None:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


@require_GET
def metrics_view(request):
    """The figures, to an allowed network or a holder of SERVPLAN_METRICS_TOKEN; to anyone else a 404 (no token
    given) or a 403 (a wrong one)."""
    token = bearer_token(request)
    expected = settings.SERVPLAN_METRICS_TOKEN
    if token is not None and not (expected and constant_time_compare(token, expected)):
        return HttpResponseForbidden()
    if token is None and not from_allowed_network(request):
        return HttpResponseNotFound()
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
