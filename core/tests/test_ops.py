"""Operable (issue 16): /healthz, /metrics, JSON log lines, and the request id carried into the tasks it starts."""

import contextvars
import io
import json
import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from core.logs import JsonFormatter
from core.middleware import RequestContextMiddleware
from core.models import TaskOrigin, TaskWorker
from core.ops import health

task_logger = logging.getLogger("servplan.tests.ops")


@task()
def logging_task(word: str) -> str:
    task_logger.warning("task says %s", word)
    return word


@task()
def failing_task() -> None:
    raise ValueError("on purpose")


@pytest.fixture
def database_tasks(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.all().delete()  # what the demo's load left queued is not this test's queue


@pytest.fixture
def inline_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def live_worker(db):
    now = timezone.now()
    return TaskWorker.objects.create(worker_id="w-live", host="h", pid=1, started_at=now, heartbeat_at=now)


@pytest.fixture
def json_lines():
    """The JSON lines written to the loggers the tests use, as dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [task_logger, logging.getLogger("django.request")]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.addHandler(handler)
        each.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for each, level in zip(loggers, levels, strict=True):
        each.removeHandler(handler)
        each.setLevel(level)


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


# ---- /healthz ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_healthz_ok_anonymous_without_session_or_writes(client, database_tasks, live_worker):
    logging_task.enqueue("queued")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "cache", "queue", "workers"}
    assert all(check["status"] == "ok" and check["ms"] >= 0 for check in checks.values())
    assert checks["queue"] == {"status": "ok", "backend": "database", "depth": 1, "ms": checks["queue"]["ms"]}
    assert (checks["workers"]["live"], checks["workers"]["stale"]) == (1, 0)
    assert not response.cookies and "no-cache" in response["Cache-Control"]
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert statements and not {"INSERT", "UPDATE", "DELETE"} & set(statements)


@pytest.mark.django_db
def test_healthz_database_down_is_503(client, database_tasks, live_worker):
    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("server closed: secret-host")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "failed"
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "secret-host" not in response.content.decode()  # the error is named, never described
    assert body["checks"]["queue"]["status"] == body["checks"]["workers"]["status"] == "skipped"


@pytest.mark.django_db
def test_healthz_without_a_live_worker_is_degraded(client, database_tasks):
    past = timezone.now() - timezone.timedelta(hours=1)
    TaskWorker.objects.create(worker_id="w-gone", host="h", pid=2, started_at=past, heartbeat_at=past)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["workers"] | {"ms": 0} == {"status": "failed", "error": "no live worker",
                                                     "backend": "database", "live": 0, "stale": 1, "ms": 0}


@pytest.mark.django_db
def test_healthz_cache_failure_is_degraded(client, database_tasks, live_worker):
    with mock.patch.object(health.cache, "get", return_value=None):
        body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["checks"]["cache"]["error"] == "LookupError"


@pytest.mark.django_db
def test_healthz_inline_backend_needs_no_worker(client, inline_tasks):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"]["workers"]["backend"] == "inline" and body["checks"]["queue"]["depth"] == 0


# ---- /metrics ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_metrics_refused_from_a_disallowed_address_or_through_the_proxy(client, settings):
    settings.SERVPLAN_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 404
    # nginx on loopback forwards every client: a forwarded request is not judged by the proxy's address.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5",
                      HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@pytest.mark.django_db
def test_metrics_without_a_token_configured_no_token_opens_it(client, settings):
    settings.SERVPLAN_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.django_db
def test_metrics_allowed_with_the_token_and_from_an_allowed_network(client, settings, database_tasks, live_worker):
    settings.SERVPLAN_METRICS_TOKEN = "s3cret-token"
    settings.SERVPLAN_METRICS_ALLOWED_NETWORKS = "10.0.0.0/8"
    logging_task.enqueue("queued")
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'servplan_task_queue_depth{queue="default"} 1.0' in text
    assert 'servplan_task_workers{backend="database",state="live"} 1.0' in text
    assert not response.cookies
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404  # not in the networks set


@pytest.mark.django_db
def test_a_request_is_counted_and_timed_by_its_view_name(client):
    counted = {"view": "login", "method": "GET", "status": "2xx"}
    before = sample("servplan_http_requests_total", **counted)
    timed_before = sample("servplan_http_request_duration_seconds_count", view="login", method="GET")
    assert client.get("/login/").status_code == 200
    assert sample("servplan_http_requests_total", **counted) == before + 1
    assert sample("servplan_http_request_duration_seconds_count", view="login", method="GET") == timed_before + 1

    # A path that resolves to no view is counted under one label, never by its path (bounded cardinality).
    missing = {"view": "unresolved", "method": "GET", "status": "4xx"}
    before = sample("servplan_http_requests_total", **missing)
    client.get("/no-such-page-1234/")
    assert sample("servplan_http_requests_total", **missing) == before + 1
    views = {s.labels["view"] for m in REGISTRY.collect() if m.name == "servplan_http_requests" for s in m.samples}
    assert "unresolved" in views and not any("/" in view for view in views)


@pytest.mark.django_db
def test_a_task_failure_and_a_success_are_counted(inline_tasks):
    path = f"{__name__}.failing_task"
    before = sample("servplan_tasks_finished_total", task=path, status="failed")
    failing_task.enqueue()
    assert sample("servplan_tasks_finished_total", task=path, status="failed") == before + 1
    path = f"{__name__}.logging_task"
    before = sample("servplan_tasks_finished_total", task=path, status="successful")
    logging_task.enqueue("ok")
    assert sample("servplan_tasks_finished_total", task=path, status="successful") == before + 1


@pytest.mark.django_db
def test_a_worker_counts_the_failure_of_the_task_it_runs(database_tasks):
    path = f"{__name__}.failing_task"
    before = sample("servplan_tasks_finished_total", task=path, status="failed")
    run_in_worker(failing_task.enqueue().id)
    assert sample("servplan_tasks_finished_total", task=path, status="failed") == before + 1


@pytest.mark.django_db
def test_the_queue_cannot_be_read_the_scrape_still_answers(client, database_tasks):
    with mock.patch("core.workers.queue_depth", side_effect=DatabaseError("gone")):
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert "servplan_task_queue_depth" not in response.content.decode()
    assert "servplan_http_requests_total" in response.content.decode()


COUNT_ONE_IMPORT = "from core.ops import metrics; metrics.count_import(3, 0, 0, 3, False)"
SCRAPE = ("from django.test import Client; "
          "response = Client(HTTP_HOST='localhost').get('/metrics', REMOTE_ADDR='127.0.0.1'); "
          "print(response.status_code); print(response.content.decode())")


def test_multiprocess_mode_adds_up_every_process_of_the_instance(tmp_path):
    """Under gunicorn each worker process counts in PROMETHEUS_MULTIPROC_DIR; the one that answers /metrics adds
    them up (two processes that counted and left, then a third that answers)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "servplan.settings",
           "SERVPLAN_VAR_DIR": str(tmp_path / "var"),
           "SERVPLAN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}

    def run(code):
        return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                              cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=True).stdout

    run(COUNT_ONE_IMPORT)
    run(COUNT_ONE_IMPORT)
    status, _, text = run(SCRAPE).partition("\n")
    assert status == "200"
    assert 'servplan_import_rows_total{outcome="created"} 6.0' in text
    assert len(list(tmp_path.glob("counter_*.db"))) == 3  # one file per process


# ---- logs and the request id -------------------------------------------------------------------------------------

def run_in_worker(task_id):
    """What `manage.py db_worker` does with a task it claimed: the same code, in this process."""
    row = DBTaskResult.objects.get(pk=task_id)
    row.claim("w-test")
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="w-test", excluded_queue_names=[]).run_task(row)


@pytest.mark.django_db
def test_a_log_line_is_one_json_object_with_the_request_fields(client_for, json_lines):
    response = client_for("member").get("/audit/", headers={"x-request-id": "nginx-req-0001"})
    assert response.status_code == 403 and response["X-Request-ID"] == "nginx-req-0001"
    [line] = [each for each in json_lines() if each["logger"] == "django.request"]
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert line["level"] == "WARNING"
    assert line["request_id"] == "nginx-req-0001"
    assert line["user_id"] == response.wsgi_request.user.pk
    assert (line["method"], line["path"], line["view"], line["status"]) == ("GET", "/audit/", "core:audit", 403)
    assert "request_id=nginx-req-0001" in line["message"]


@pytest.mark.django_db
def test_a_refusal_logged_after_the_middleware_still_names_its_request(client, json_lines):
    # A view that returns a 404 (not raises it) is logged by Django once the middleware has let the request go.
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.5", headers={"x-request-id": "req-late-logged"})
    assert response.status_code == 404
    [line] = [each for each in json_lines() if each["logger"] == "django.request"]
    assert (line["request_id"], line["path"], line["view"], line["status"]) == (
        "req-late-logged", "/metrics", "metrics", 404)


def test_an_exception_stays_on_its_line():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "broke %s", ("here",), None)
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    text = contextvars.Context().run(JsonFormatter().format, record)  # outside any request or task
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "broke here" and "ValueError: bad\nvalue" in line["exception"]
    assert line["request_id"] is None and line["user_id"] is None


@pytest.mark.parametrize("given,kept", [
    ("0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
    ("short", False),
    ("has space in-it-0001", False),
    ("line\nbreak-000001", False),
    ("x" * 65, False),
])
def test_a_given_request_id_is_kept_only_when_valid(given, kept):
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=given)
    response = RequestContextMiddleware(lambda request: __import__("django.http").http.HttpResponse())(request)
    assert (response["X-Request-ID"] == given) is kept
    assert len(response["X-Request-ID"]) in (len(given), 32) and "\n" not in response["X-Request-ID"]


def enqueue_from_a_request(request_id, word):
    """A request that starts a task, through the request middleware: its id is the one the task's lines carry."""
    enqueued = {}

    def view(request):
        from django.http import HttpResponse

        enqueued["task"] = logging_task.enqueue(word)
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().post("/", HTTP_X_REQUEST_ID=request_id))
    return enqueued["task"]


@pytest.mark.django_db
def test_the_request_id_travels_into_the_task_a_worker_runs(database_tasks, json_lines):
    result = enqueue_from_a_request("req-started-the-task", "hello")
    assert TaskOrigin.objects.get(task_id=str(result.id)).request_id == "req-started-the-task"

    run_in_worker(result.id)  # later, in a worker: no request around it

    [line] = [each for each in json_lines() if each["logger"] == task_logger.name]
    assert line["message"] == "task says hello"
    assert line["request_id"] == "req-started-the-task"
    assert (line["task"], line["task_id"]) == (f"{__name__}.logging_task", str(result.id))
    assert "path" not in line  # the request's own fields stay with the request
    assert not TaskOrigin.objects.exists()  # forgotten once the task finished
    # After the task, the worker's own lines no longer carry the task or the request.
    task_logger.warning("between tasks")
    assert "task" not in json_lines()[-1] and json_lines()[-1]["request_id"] is None


@pytest.mark.django_db
def test_the_request_id_travels_into_an_inline_task(inline_tasks, json_lines):
    result = enqueue_from_a_request("req-inline-task-01", "inline")
    [line] = [each for each in json_lines() if each["logger"] == task_logger.name]
    assert line["request_id"] == "req-inline-task-01" and line["task_id"] == str(result.id)
    assert not TaskOrigin.objects.exists()


@pytest.mark.django_db
def test_a_task_enqueued_outside_a_request_writes_no_origin(database_tasks, json_lines):
    result = logging_task.enqueue("scheduled")
    assert not TaskOrigin.objects.exists()
    run_in_worker(result.id)
    [line] = [each for each in json_lines() if each["logger"] == task_logger.name]
    assert line["request_id"] is None and line["task_id"] == str(result.id)
