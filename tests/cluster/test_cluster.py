"""The scaled-out topology under load, with an app instance and a worker killed (issue 16, point 6).

deploy/cluster.py brings it up on free ports over loopback against this test's own PostgreSQL database (the test
database, with the demo company): moto's S3 server, 2 gunicorn instances behind nginx, 2 RQ workers under their
supervisors, 2 schedulers, the cache and the queues on Redis. Threads read pages and the API and start ticket
imports through nginx for about 30 s; meanwhile one gunicorn master is killed with SIGKILL, and one RQ worker in
the middle of an import (held at a test checkpoint, core.workers.checkpoint, then killed). Then:
- no request failed except a POST in flight on the killed instance when it died (nginx sends idempotent
  requests on to the other instance; a POST not yet sent goes there too);
- every import enqueued completed exactly once (one "bulk" audit entry, written when an import ends; the killed
  one ran again from the start: attempt 2; every ticket of every file stored once);
- each periodic firing was enqueued once although two schedulers ran (one claim and one job per instant).
Every wait is bounded; the whole test takes well under 3 minutes.
"""

import csv
import io
import os
import shutil
import signal
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from conftest import require
from core.choices import AuditAction
from core.models import AuditEntry, PeriodicFiring
from deploy.cluster import Cluster, Config, free_port
from servicedata.choices import ImportStatus
from servicedata.generator import FIELDS, generate_tickets
from servicedata.importer import BATCH_SIZE
from servicedata.models import ImportJob, Ticket
from servicedata.tests.conftest import demo_contract

pytestmark = [pytest.mark.cluster, pytest.mark.engine("postgresql"), pytest.mark.django_db(transaction=True)]

LOAD_SECONDS = 30
BIG_ROWS = BATCH_SIZE + 1000  # two write batches: the worker dies after the first is committed
SMALL_ROWS = 40
RQ_DB = 14  # Redis databases of this test: queues on 14, the cache on 15 (flushed before and after)
PERIODIC = ("notifications.tasks.send_digests_task", "servicedata.connectors.tasks.connector_tick_task")


def wait_for(condition, what, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def ticket_file(contract, rows, seed):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(generate_tickets(contract, rows, seed=seed, months=3))
    return out.getvalue().encode("utf-8")


class Load:
    """Readers and a writer through nginx; each request is kept with its start and end."""

    def __init__(self, base, session_cookie, token, contract):
        self.base, self.cookie, self.token, self.contract = base, session_cookie, token, contract
        self.stop = threading.Event()
        self.results = []  # (method, path, started, ended, status or exception text, nginx's request id)
        self.jobs = []  # (import job id, external system, rows)
        self.lock = threading.Lock()
        self.files = {seed: ticket_file(contract, SMALL_ROWS, seed) for seed in range(100, 160)}

    def record(self, method, path, started, outcome, response=None):
        request_id = response.headers.get("X-Request-ID", "") if response is not None else ""
        with self.lock:
            self.results.append((method, path, started, time.monotonic(), outcome, request_id))

    def read(self, number):
        pages = ["/", "/servicedata/ticket/", "/servicedata/sla/", f"/servicedata/contract/{self.contract.pk}/sla/",
                 "/api/servicedata/tickets/?page_size=20", "/api/servicedata/import-jobs/"]
        session = requests.Session()
        session.cookies.set("sessionid", self.cookie)
        n = number
        while not self.stop.is_set():
            path = pages[n % len(pages)]
            n += 1
            headers = {"Authorization": f"Token {self.token}"} if path.startswith("/api/") else {}
            started = time.monotonic()
            try:
                response = session.get(self.base + path, headers=headers, timeout=60, allow_redirects=False)
                self.record("GET", path, started, response.status_code, response)
            except requests.RequestException as exc:
                self.record("GET", path, started, repr(exc))

    def start_import(self, data, system, rows):
        started = time.monotonic()
        try:
            response = requests.post(f"{self.base}/api/servicedata/import-jobs/", timeout=60,
                                     headers={"Authorization": f"Token {self.token}"},
                                     data={"contract": self.contract.pk, "external_system": system, "format": "csv"},
                                     files={"file": (f"{system}.csv", data, "text/csv")})
        except requests.RequestException as exc:
            self.record("POST", "import", started, repr(exc))
            return None
        self.record("POST", "import", started, response.status_code, response)
        if response.status_code in (201, 202):
            with self.lock:
                self.jobs.append((response.json()["id"], system, rows))
            return response.json()["id"]
        return None

    def write(self):
        for seed, data in self.files.items():
            if self.stop.wait(0.8):
                return
            self.start_import(data, f"load-{seed}", SMALL_ROWS)


def upstreams_by_request(access_log):
    """nginx's request id -> the instances (host:port) the request was sent to, from the access log."""
    tried = {}
    for line in access_log.read_text().splitlines():
        fields = dict(part.split("=", 1) for part in line.split() if part.startswith(("upstream=", "request_id=")))
        if "request_id" in fields:
            tried[fields["request_id"]] = {addr.strip(",") for addr in fields.get("upstream", "").split(",")}
    return tried


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def rq_jobs_by_function():
    """Every job the queue has seen (queued, running, finished, failed), counted by its function."""
    import redis
    from rq import Queue
    from rq.job import Job

    redis_connection = redis.Redis(port=6379, db=RQ_DB)
    queue = Queue("default", connection=redis_connection)
    ids = set(queue.get_job_ids()) | set(queue.started_job_registry.get_job_ids()) \
        | set(queue.finished_job_registry.get_job_ids()) | set(queue.failed_job_registry.get_job_ids())
    counts = {}
    for job in Job.fetch_many(list(ids), connection=redis_connection):
        if job is not None:
            counts[job.func_name] = counts.get(job.func_name, 0) + 1
    return counts


def flush_redis():
    import redis

    for db in (RQ_DB, RQ_DB + 1):
        redis.Redis(port=6379, db=db).flushdb()


@pytest.fixture
def tools():
    require(bool(shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")), "nginx (make system-deps)")
    import redis

    try:
        redis.Redis(port=6379, socket_connect_timeout=2).ping()
    except redis.RedisError:
        require(False, "Redis at 127.0.0.1:6379 (.ci/run starts it)")


def test_the_cluster_loses_no_request_and_no_job_when_an_instance_and_a_worker_die(tools, demo, tmp_path):
    contract = demo_contract("hzbank")
    user = demo["svc_staff"]
    client = Client()
    client.force_login(user)
    token, _ = Token.objects.get_or_create(user=user)
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    crons = {name: "* * * * *" for name in ("SERVPLAN_REMINDER_CRON", "SERVPLAN_DIGEST_CRON",
                                              "SERVPLAN_CONNECTOR_CRON")}
    config = Config(run_dir=tmp_path / "cluster", database=connection.settings_dict["NAME"],
                    postgres=database_url(), redis_db=RQ_DB, http_port=free_port(),
                    app_ports=(free_port(), free_port()), s3_port=free_port(), setup_database=False,
                    secret_key=settings.SECRET_KEY, gunicorn_workers=2, gunicorn_threads=4,
                    env={"SERVPLAN_TASK_CHECKPOINT_DIR": str(checkpoints), **crons})
    cluster = Cluster(config)
    t0 = time.monotonic()

    def phase(name):  # shown with -s (and on a failure): where the time goes
        print(f"cluster test: {time.monotonic() - t0:6.1f} s {name}", flush=True)

    flush_redis()
    started_at = timezone.now()
    try:
        cluster.up()
        phase("topology up")
        load = Load(config.site_url, client.cookies["sessionid"].value, token.key, contract)
        threads = [threading.Thread(target=load.read, args=(n,)) for n in range(6)]
        threads.append(threading.Thread(target=load.write))
        load_started = time.monotonic()
        for thread in threads:
            thread.start()

        # A worker is killed in the middle of the big import: held at the checkpoint after its first batch.
        big = load.start_import(ticket_file(contract, BIG_ROWS, seed=7), "big", BIG_ROWS)
        assert big is not None
        reached = checkpoints / "import-writing.reached"
        wait_for(reached.exists, "a worker reaches the import's write checkpoint", 60)
        phase("a worker at the checkpoint")
        os.kill(int(reached.read_text()), signal.SIGKILL)
        killed_app = cluster.kill("app1")
        killed_at = time.monotonic()
        (checkpoints / "import-writing.release").write_text("go")

        time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - load_started)))
        load.stop.set()
        for thread in threads:
            thread.join(timeout=90)

        phase(f"load done: {len(load.results)} requests")
        jobs = {pk: (system, rows) for pk, system, rows in load.jobs}
        wait_for(lambda: ImportJob.objects.filter(pk__in=jobs, status__in=ImportStatus.finished()).count()
                 == len(jobs), "every import finishes", 120)
        phase(f"{len(jobs)} imports finished")
        minute_after_start = (started_at + timedelta(minutes=1)).replace(second=0, microsecond=0)
        wait_for(lambda: timezone.now() > minute_after_start + timedelta(seconds=5)
                 and all(PeriodicFiring.objects.filter(job=name.rsplit(".", 1)[1], scheduled_for__gte=
                                                       minute_after_start).exclude(task_id="").exists()
                         for name in PERIODIC),
                 "a periodic firing after the cluster started", 90)
        queued = rq_jobs_by_function()
        worker_summary = cluster.status()
        tried = upstreams_by_request(config.run_dir / "nginx-access.log")
        phase("periodic firings seen")
    finally:
        cluster.down(grace=5)
        flush_redis()
        phase("topology down")

    # No request failed, but a POST sent to the instance that was killed, which died before it answered (nginx
    # sends a POST to one instance only: it may have been written already). Its id names the instance.
    failed = [result for result in load.results if not (isinstance(result[4], int) and result[4] < 500)]
    killed_instance = f"127.0.0.1:{config.app_ports[0]}"
    in_flight = [r for r in failed if r[0] == "POST" and r[3] >= killed_at and tried.get(r[5]) == {killed_instance}]
    assert [r for r in failed if r not in in_flight] == [], (failed, killed_at)
    assert len(load.results) > 100 and killed_app

    # Every import enqueued completed exactly once; the one whose worker was killed ran again from the start.
    assert len(jobs) > 10 and big in jobs
    job_type = ContentType.objects.get_for_model(ImportJob)
    for job in ImportJob.objects.filter(pk__in=jobs):
        system, rows = jobs[job.pk]
        assert job.status == ImportStatus.DONE, (job.pk, job.status, job.message)
        assert AuditEntry.objects.filter(content_type=job_type, object_id=str(job.pk),
                                         action=AuditAction.BULK).count() == 1, job.pk
        assert Ticket.objects.filter(contract=contract, external_system=system).count() == rows, system
    assert max(ImportJob.objects.filter(pk__in=jobs).values_list("attempts", flat=True)) == 2
    assert ImportJob.objects.filter(pk__in=jobs, attempts__gt=2).count() == 0

    # Two schedulers: one claim and one job per firing of each periodic job.
    for name in PERIODIC:
        firings = PeriodicFiring.objects.filter(job=name.rsplit(".", 1)[1], scheduled_for__gte=started_at
                                                - timedelta(minutes=1))
        assert firings.count() >= 1 and not firings.filter(task_id="").exists()
        assert queued.get(name, 0) == firings.count(), (name, queued, list(firings.values("scheduled_for")))
    assert worker_summary["rq_workers"] >= 2  # the killed worker's supervisor started another
