"""Concurrent users on a read-and-write mix, driven by locust (issue 16, budget "Load").

    .venv/bin/python bench/load.py [--users 10] [--time 60] [--backend sqlite|postgresql] [--tickets 1000000]
                                   [--host http://127.0.0.1:8080] [--wait 0] [--csv PREFIX]

Without --host it serves the application itself the way `make run` does (gunicorn, `--workers` processes with 4
threads each, whitenoise for the static files) on a copy of a database that `bench/pages.py` built
(var/bench/pages/<backend>-<tickets>/; build one with `bench/pages.py --tickets N --backends B --build-only`): the
SQLite file is copied to var/bench/load/, a PostgreSQL database is cloned as `servplan_bench_load` (CREATE DATABASE
... TEMPLATE), so the writes of a run never change the database the page benchmark reuses. With --host it drives
a server that is already running (the cluster's nginx, say) whose database holds the demo company (`load_demo`)
and tickets.

Each simulated user signs in with its own session as one of the demo's service roles and then, with no think time
by default (`--wait` seconds of uniform random pause, mean, between requests), repeats a weighted mix:

  reads   home page, SLA overview, a contract's SLA dashboard, the ticket list (page 1, a deeper page, a search by
          word), a ticket's page, the contract and monthly-report lists, the API ticket list, a contract's SLA
          figures through the API;
  writes  a push of three new tickets through the API (`POST /api/servicedata/tickets/`, the path a service desk
          integration takes: validation, import, SLA clocks) and a push that resolves tickets this user pushed
          before (the update path of the same API).

Prints requests/s, errors, and p50/p95/p99 per page and overall (locust's own statistics: response times are
kept in buckets, so the percentiles are rounded to 2 significant digits), then PASS/FAIL against the budget
(0 errors, p95 <= 1 s). Always exits 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.djangoenv import ROOT, child_env, code_version, machine, postgres_available

PAGES_DIR = ROOT / "var" / "bench" / "pages"
LOAD_DIR = ROOT / "var" / "bench" / "load"
LOAD_DB = "servplan_bench_load"
MAX_P95_MS = 1000
PASSWORD = "servplan-demo"  # core.demo.DEMO_PASSWORD
ROLES = ("svc_manager", "svc_staff", "admin")  # the people who read the SLA pages and run the integrations
SEARCH_WORD = "网络连接"


# --------------------------------------------------------------------------
# The server under test
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clone_database(backend: str, tickets: int) -> tuple[Path, str]:
    """(var dir, database name) of a fresh copy of the page benchmark's database."""
    source = PAGES_DIR / f"{backend}-{tickets}"
    if not (source / "ready.json").exists():
        raise SystemExit(f"No {backend} database with {tickets:,} tickets yet: build it with\n"
                         f"  .venv/bin/python bench/pages.py --tickets {tickets} --backends {backend} --build-only")
    target = LOAD_DIR / f"{backend}-{tickets}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)  # SQLite file with its WAL, collected static files, media
    if backend == "postgresql":
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {LOAD_DB} TEMPLATE servplan_bench_pages_{tickets}")
    return target, LOAD_DB


def start_server(backend: str, var_dir: Path, database: str, workers: int):
    port = free_port()
    env = child_env(backend, var_dir, database)
    env["SERVPLAN_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["SERVPLAN_SITE_URL"] = f"http://127.0.0.1:{port}"
    log_file = open(var_dir / "gunicorn.log", "w")  # noqa: SIM115 (closed with the server)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "servplan.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", "4", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    host = f"http://127.0.0.1:{port}"
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {var_dir / 'gunicorn.log'}")
        try:
            requests.get(host + "/login/", timeout=60)
            return process, log_file, host
        except requests.RequestException:
            time.sleep(0.5)
    stop_server(process, log_file)
    raise SystemExit("gunicorn did not answer within 120 s")


def stop_server(process, log_file) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log_file.close()


# --------------------------------------------------------------------------
# What the users read: found once, before the run, through the API
# --------------------------------------------------------------------------


def login(session, host: str, username: str) -> None:
    session.get(host + "/login/")
    response = session.post(host + "/login/", data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
        headers={"Referer": host + "/login/"}, allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {username} at {host} (status {response.status_code})")


def discover(host: str) -> dict:
    import requests

    session = requests.Session()
    login(session, host, "admin")
    accept = {"Accept": "application/json"}
    # The monitored contracts (in force, with SLA figures): one row each in the API's SLA list.
    monitored = [row["contract"] for row in session.get(host + "/api/servicedata/sla/", headers=accept).json()]
    if not monitored:
        raise SystemExit("no monitored contract: the load test needs the demo company (load_demo)")
    tickets = session.get(host + "/api/servicedata/tickets/", headers=accept).json()
    ticket_ids = [t["id"] for t in tickets.get("results", tickets)]
    if not ticket_ids:
        raise SystemExit("the database has no tickets: the load test needs some (generate_service_data)")
    return {"contracts": monitored, "tickets": ticket_ids}


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def build_user(host: str, data: dict, wait: float):
    from locust import HttpUser, task
    from locust.exception import StopUser

    roles = itertools.cycle(ROLES)

    class ServPlanUser(HttpUser):
        def wait_time(self):
            return random.uniform(0, 2 * wait) if wait else 0

        def on_start(self):
            self.role = next(roles)
            self.client.get("/login/", name="login")
            response = self.client.post("/login/", name="login", allow_redirects=False, data={
                "username": self.role, "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
                headers={"Referer": host + "/login/"})
            if response.status_code != 302:
                raise StopUser
            self.pushed: list[dict] = []

        def _api_headers(self):
            return {"Accept": "application/json", "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                    "Referer": host + "/"}

        # ---- reads
        @task(2)
        def home(self):
            self.client.get("/", name="home")

        @task(2)
        def sla_overview(self):
            self.client.get("/servicedata/sla/", name="SLA overview")

        @task(4)
        def sla_dashboard(self):
            self.client.get(f"/servicedata/contract/{random.choice(data['contracts'])}/sla/", name="SLA dashboard")

        @task(4)
        def ticket_list(self):
            self.client.get("/servicedata/ticket/", name="ticket list")

        @task(2)
        def ticket_list_deep(self):
            self.client.get(f"/servicedata/ticket/?page={random.randint(2, 200)}", name="ticket list page 2-200")

        @task(2)
        def ticket_search(self):
            self.client.get(f"/servicedata/ticket/?q={SEARCH_WORD}", name="ticket search")

        @task(4)
        def ticket_detail(self):
            self.client.get(f"/servicedata/ticket/{random.choice(data['tickets'])}/", name="ticket page")

        @task(1)
        def contract_list(self):
            self.client.get("/contracts/contract/", name="contract list")

        @task(1)
        def report_list(self):
            self.client.get("/reporting/monthlyservicereport/", name="monthly report list")

        @task(3)
        def api_tickets(self):
            self.client.get("/api/servicedata/tickets/", name="API ticket list", headers={"Accept": "application/json"})

        @task(2)
        def api_sla(self):
            self.client.get(f"/api/servicedata/sla/{random.choice(data['contracts'])}/", name="API SLA figures",
                            headers={"Accept": "application/json"})

        # ---- writes
        @task(2)
        def push_new(self):
            contract = random.choice(data["contracts"])
            now = datetime.now(UTC).replace(microsecond=0)
            tickets = [{"external_id": f"LOAD-{uuid.uuid4().hex[:12]}", "kind": "incident",
                        "priority": random.choice(["P2", "P3", "P4"]), "status": "in_progress",
                        "category": "网络故障", "summary": "网络连接中断（负载测试）",
                        "created": (now - timedelta(minutes=90)).isoformat(),
                        "first_response": (now - timedelta(minutes=80)).isoformat()} for _ in range(3)]
            with self.client.post("/api/servicedata/tickets/", name="API ticket push (new)", catch_response=True,
                                  json={"contract": contract, "external_system": "loadtest", "tickets": tickets},
                                  headers=self._api_headers()) as response:
                if response.status_code == 200:
                    self.pushed.append({"contract": contract, "tickets": tickets})
                else:
                    response.failure(f"{response.status_code}: {response.text[:300]}")

        @task(1)
        def push_resolve(self):
            if not self.pushed:
                return
            batch = self.pushed.pop(0)
            resolved = datetime.now(UTC).replace(microsecond=0).isoformat()
            tickets = [{**ticket, "status": "resolved", "resolved": resolved} for ticket in batch["tickets"]]
            with self.client.post("/api/servicedata/tickets/", name="API ticket push (resolve)",
                                  catch_response=True, headers=self._api_headers(),
                                  json={"contract": batch["contract"], "external_system": "loadtest",
                                        "tickets": tickets}) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}: {response.text[:300]}")

    ServPlanUser.host = host
    return ServPlanUser


def run_load(host: str, users: int, spawn_rate: float, seconds: int, wait: float, csv_prefix: str | None) -> dict:
    import gevent
    from locust.env import Environment

    data = discover(host)
    environment = Environment(user_classes=[build_user(host, data, wait)], host=host)
    runner = environment.create_local_runner()
    if csv_prefix:
        from locust.stats import StatsCSVFile

        writer = StatsCSVFile(environment, [0.5, 0.95, 0.99], csv_prefix, full_history=False)
        gevent.spawn(writer)
    runner.start(users, spawn_rate=spawn_rate)
    gevent.spawn_later(seconds, runner.quit)
    started = time.monotonic()
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    stats = environment.stats

    def row(entry):
        return {"requests": entry.num_requests, "failures": entry.num_failures,
                "rps": entry.num_requests / elapsed if elapsed else 0.0,
                "p50": entry.get_response_time_percentile(0.5), "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99), "max": entry.max_response_time}

    pages = {name: row(entry) for (name, _method), entry in sorted(stats.entries.items()) if name != "login"}
    # Overall: every request but the sign-ins at the start (each user signs in once, on a cold server).
    from locust.stats import StatsEntry

    overall = StatsEntry(stats, "overall", None, use_response_times_cache=False)
    for (name, _method), entry in stats.entries.items():
        if name != "login":
            overall.extend(entry)
    errors = [{"page": error.name, "error": str(error.error)[:300], "count": error.occurrences}
              for error in stats.errors.values()]
    return {"elapsed": elapsed, "pages": pages, "total": row(overall), "errors": errors}


def report(result: dict) -> None:
    pages, total = result["pages"], result["total"]
    width = max([len(name) for name in pages] + [7])
    header = f"{'page':<{width}}  {'requests':>8}  {'errors':>6}  {'req/s':>7}  {'p50 ms':>7}  {'p95 ms':>7}  " \
             f"{'p99 ms':>7}  {'max ms':>7}"
    print(header)
    print("-" * len(header))
    for name, row in [*pages.items(), ("overall", total)]:
        print(f"{name:<{width}}  {row['requests']:>8}  {row['failures']:>6}  {row['rps']:>7.1f}  {row['p50']:>7.0f}  "
              f"{row['p95']:>7.0f}  {row['p99']:>7.0f}  {row['max']:>7.0f}")
    for error in result["errors"][:10]:
        print(f"  error x{error['count']} on {error['page']}: {error['error']}")
    print()
    print(f"{'PASS' if total['failures'] == 0 else 'FAIL'}  0 errors ({total['failures']} of {total['requests']})")
    print(f"{'PASS' if total['p95'] <= MAX_P95_MS else 'FAIL'}  p95 <= {MAX_P95_MS} ms over all requests "
          f"({total['p95']:.0f} ms)")
    print(f"info  {total['rps']:.1f} requests/s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all in 1 s)")
    parser.add_argument("--time", type=int, default=60, help="seconds of load after the users start")
    parser.add_argument("--wait", type=float, default=0.0, help="mean think time between a user's requests, s")
    parser.add_argument("--host", help="a running server (e.g. the cluster's nginx); default: start one")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="which page-benchmark database to copy")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes of the embedded server")
    parser.add_argument("--csv", help="also write locust's CSV statistics with this prefix")
    parser.add_argument("--json", help="also write the result as JSON to this file")
    args = parser.parse_args(argv)
    import locust  # noqa: F401  (gevent patches the standard library first, before anything opens a socket)

    if args.users < 1 or args.time < 1 or args.users > 500 or args.time > 3600:
        raise SystemExit("--users 1..500 and --time 1..3600: the run is bounded")
    print(f"machine: {machine()}")
    print(f"code: {code_version()}; {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC")
    server = None
    if args.host:
        host = args.host.rstrip("/")
        target = f"{host} (running server)"
    else:
        if args.backend == "postgresql" and not postgres_available():
            raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432")
        var_dir, database = clone_database(args.backend, args.tickets)
        process, log_file, host = start_server(args.backend, var_dir, database, args.workers)
        server = (process, log_file)
        target = (f"embedded gunicorn, {args.workers} workers x 4 threads, {args.backend}, copy of the "
                  f"{args.tickets:,}-ticket page-benchmark database")
    print(f"target: {target}")
    print(f"load: {args.users} users (locust {_locust_version()}, one session each, roles {', '.join(ROLES)}), "
          f"{args.time} s, think time {'none' if not args.wait else f'{args.wait} s mean'}; "
          "read-and-write mix (see bench/load.py)\n", flush=True)
    try:
        result = run_load(host, args.users, args.spawn_rate or args.users, args.time, args.wait, args.csv)
    finally:
        if server:
            stop_server(*server)
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


def _locust_version() -> str:
    try:
        from importlib.metadata import version

        return version("locust")
    except Exception:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
