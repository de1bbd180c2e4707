"""Every list and dashboard page and every API list at two table sizes (issue 16, "Pages flat in table size").

    .venv/bin/python bench/pages.py [--tickets 100000,1000000] [--backends sqlite,postgresql] [--reuse]
                                    [--repeat 20] [--warmup 3] [--only REGEX]

For each backend and size, a database built with the project's own commands: `migrate`, `load_demo`, then
`generate_service_data --months 12 --seed 1` with the tickets spread over the demo contracts in force (so the
table holds the size asked for). SQLite: a file under var/bench/pages/sqlite-N/ (the embedded default, WAL);
PostgreSQL: the database `servplan_bench_pages_N` on 127.0.0.1:5432 (user postgres). Building 1M tickets takes
minutes: `--reuse` keeps a database that was built completely before (var/bench/pages/<backend>-N/ready.json);
a reused database is migrated to the current code and, when it was built on another commit, its SLA rollup is
refreshed per contract (`servicedata.sla.rollup.refresh`) so pages that read the rollup see the data.

The pages are found, not listed: every route of the URL configuration whose view is a list view
(`core.views.ObjectListView` or a Django ListView) with no argument, the home page, the SLA overview, the SLA
dashboard of every contract in force, the ticket list's deep page (following its next-cursor links when the
list has keyset pagination, else `?page=500`), two ticket searches (a word, a ticket number), and every `-list`
route of the API router (JSON, `Accept: application/json`) plus the ticket API with a search. Signed in as the
demo's `admin` (a superuser: sees every record).

Requests go through Django's test `Client` in the benchmark process (the whole middleware stack, views,
templates and serializers; no HTTP server and no network): single-user server time. `bench/load.py` measures
real HTTP under concurrent users.

Every page gets the same treatment: `--warmup` untimed requests, then `--repeat` timed ones; p50 and p95 of those
(p95 by the nearest-rank method). Prints, per backend, a table with each page's status, p50/p95 at each size,
the ratio of the largest size's p50 to the smallest's, and PASS/FAIL against the budget of the issue
(ratio <= 1.5 and p95 <= 300 ms at the largest size; the budget is set for PostgreSQL at 1M, the SQLite rows are
judged the same way for information). Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.djangoenv import (
    ROOT,
    child_env,
    code_version,
    machine,
    postgres_available,
    recreate_postgres_db,
)

BASE_DIR = ROOT / "var" / "bench" / "pages"
MAX_RATIO = 1.5
MAX_P95_MS = 300
DEEP_PAGE = 500
SEARCH_WORD = "打印机"  # in one generated summary of eight ("打印机卡纸")
TICKET_NUMBER = 12345  # the 12,345th ticket of the first contract exists at 100k tickets already


def pg_name(tickets: int) -> str:
    return f"servplan_bench_pages_{tickets}"


def var_dir(backend: str, tickets: int) -> Path:
    return BASE_DIR / f"{backend}-{tickets}"


# --------------------------------------------------------------------------
# Child: build (or reuse) the database, then time the pages
# --------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"  [{datetime.now(UTC).strftime('%H:%M:%S')} UTC] {message}", file=sys.stderr, flush=True)


def prepare(static: bool = True) -> None:
    """Schema and static files of the current code (pages render {% static %} from the manifest)."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if static or not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def build(tickets: int, months: int, seed: int, ready: Path) -> None:
    from django.core.management import call_command

    from contracts.models import Contract

    started = time.perf_counter()
    prepare()
    call_command("load_demo", stdout=sys.stderr)
    contracts = Contract.objects.in_force().count()
    per_contract = math.ceil(tickets / contracts)
    log(f"generating {per_contract:,} tickets for each of {contracts} contracts in force, {months} months")
    call_command("generate_service_data", tickets=per_contract, months=months, seed=seed, stdout=sys.stderr)
    from servicedata.models import Ticket

    count = Ticket.objects.count()
    ready.write_text(json.dumps({"tickets": count, "commit": code_version(), "months": months, "seed": seed,
                                 "built": datetime.now(UTC).isoformat(timespec="seconds"),
                                 "seconds": round(time.perf_counter() - started)}))
    log(f"built: {count:,} tickets in {time.perf_counter() - started:.0f}s")


def reuse(ready: Path) -> None:
    from contracts.models import Contract

    built = json.loads(ready.read_text())
    prepare(static=built.get("commit") != code_version())
    if built.get("commit") != code_version():
        from servicedata.sla import rollup

        started = time.perf_counter()
        months = sum(rollup.refresh(contract.pk) or 0 for contract in Contract.objects.order_by("pk"))
        log(f"database built on {built.get('commit')}: SLA rollup refreshed ({months} contract-months, "
            f"{time.perf_counter() - started:.0f}s)")
        built["commit"] = code_version()
        ready.write_text(json.dumps(built))


def _walk(patterns, prefix=""):
    from django.urls import URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern


def discover_pages():
    """[(name, url, is_api)] of every page to time, found from the URL configuration and the data."""
    from django.urls import get_resolver, reverse
    from django.views.generic import ListView

    from contracts.models import Contract
    from core.views import ObjectListView
    from servicedata.models import Ticket

    pages, api = [("home", "/", False)], []
    for route, pattern in _walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        name = pattern.name or ""
        if route.startswith("api/"):
            plain = route.replace("^", "").replace("$", "")
            if name.endswith("-list") and "(" not in plain and "<" not in plain:
                api.append((f"API {plain[4:]}", "/" + plain, True))
        elif view is not None and "<" not in route and issubclass(view, ObjectListView | ListView) \
                and not route.startswith("portal/"):
            pages.append((f"list {route}", "/" + route, False))
    pages.append(("SLA overview", reverse("servicedata:sla_overview"), False))
    for contract in Contract.objects.in_force().select_related("customer").order_by("pk"):
        pages.append((f"SLA dashboard {contract.number}",
                      reverse("servicedata:sla_dashboard", args=[contract.pk]), False))
    tickets = reverse("servicedata:ticket_list")
    pages.append(("ticket list search word", f"{tickets}?q={SEARCH_WORD}", False))
    number = (Ticket.objects.filter(external_id__endswith=f"-{TICKET_NUMBER:07d}").order_by("pk")
              .values_list("external_id", flat=True).first())
    if number:
        pages.append(("ticket list search number", f"{tickets}?q={number}", False))
    api.append(("API servicedata/tickets/ search word", f"/api/servicedata/tickets/?q={SEARCH_WORD}", True))
    return pages, api


NEXT_LINK = re.compile(r'class="page-item next[^"]*"[^<]*<a[^>]*href="([^"]+)"')


def deep_page(client, fetch):
    """The ticket list's page DEEP_PAGE: by its "next" links when they carry a cursor (keyset pagination),
    else by number (?page=)."""
    from django.urls import reverse

    url = reverse("servicedata:ticket_list")
    _, html = fetch(client, url, False)
    found = NEXT_LINK.search(html.decode(errors="replace"))
    if not found or "cursor=" not in found.group(1):
        return f"deep page ?page={DEEP_PAGE}", f"{url}?page={DEEP_PAGE}"
    for _ in range(DEEP_PAGE - 1):
        found = NEXT_LINK.search(html.decode(errors="replace"))
        if not found:
            break
        url = url.split("?")[0] + "?" + found.group(1).replace("&amp;", "&").split("?", 1)[-1]
        _, html = fetch(client, url, False)
    return f"deep page {DEEP_PAGE} by next-cursor links", url


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(warmup: int, repeat: int, only: str | None) -> dict:
    from django.conf import settings
    from django.test import Client

    from org.models import User
    from servicedata.models import Ticket

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="admin"))

    def fetch(client, url, is_api):
        headers = {"HTTP_ACCEPT": "application/json"} if is_api else {}
        response = client.get(url, **headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, body

    pages, api = discover_pages()
    if not only or re.search(only, "ticket list deep page"):
        name, url = deep_page(client, fetch)
        pages.insert(next(i for i, p in enumerate(pages) if p[0].startswith("ticket list search")),
                     (f"ticket list {name}", url, False))
    results = {}
    for name, url, is_api in pages + api:
        if only and not re.search(only, name):
            continue
        for _ in range(warmup):
            fetch(client, url, is_api)
        times, statuses = [], set()
        for _ in range(repeat):
            started = time.perf_counter()
            status, _body = fetch(client, url, is_api)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(status)
        results[name] = {"url": url, "status": sorted(statuses), "p50": statistics.median(times),
                         "p95": percentile(times, 0.95), "max": max(times)}
        log(f"{name}: p50 {results[name]['p50']:.1f} ms, p95 {results[name]['p95']:.1f} ms")
    return {"tickets": Ticket.objects.count(), "pages": results}


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    ready = Path(os.environ["SERVPLAN_VAR_DIR"]) / "ready.json"
    if args.reuse and ready.exists():
        reuse(ready)
    else:
        build(args.child_tickets, args.months, args.seed, ready)
    if args.build_only:
        from servicedata.models import Ticket

        print(json.dumps({"tickets": Ticket.objects.count(), "pages": {}}))
        return
    result = measure(args.warmup, args.repeat, args.only)
    print(json.dumps(result))


# --------------------------------------------------------------------------
# Parent: one child per backend and size, then the tables
# --------------------------------------------------------------------------


def run(backend: str, tickets: int, args) -> dict | None:
    directory = var_dir(backend, tickets)
    ready = directory / "ready.json"
    if not (args.reuse and ready.exists()):
        if directory.exists():
            shutil.rmtree(directory)
        if backend == "postgresql":
            recreate_postgres_db(pg_name(tickets))
    directory.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", backend, "--child-tickets", str(tickets),
               "--months", str(args.months), "--seed", str(args.seed), "--warmup", str(args.warmup),
               "--repeat", str(args.repeat)] + (["--reuse"] if args.reuse else []) \
        + (["--only", args.only] if args.only else []) + (["--build-only"] if args.build_only else [])
    print(f"{backend} {tickets:,} tickets: {'reusing' if args.reuse and ready.exists() else 'building'} "
          f"{'database ' + pg_name(tickets) if backend == 'postgresql' else directory}", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=child_env(backend, directory, pg_name(tickets)),
                               stdout=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        print(f"{backend} {tickets:,}: the run failed (exit {completed.returncode}); see the output above")
        return None
    print(f"{backend} {tickets:,} tickets: done in {time.perf_counter() - started:.0f}s", flush=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(backend: str, sizes: list[int], results: dict) -> None:
    small, large = sizes[0], sizes[-1]
    names = list(dict.fromkeys(name for size in sizes for name in results[size]["pages"]))
    counts = ", ".join(f"{results[size]['tickets']:,}" for size in sizes)
    print(f"\n### {backend} (tickets in the table: {counts})\n")
    width = max(len(name) for name in names)
    header = f"{'page':<{width}}  {'status':>6}"
    for size in sizes:
        header += f"  {_short(size) + ' p50':>10}  {_short(size) + ' p95':>10}"
    header += f"  {'ratio':>6}  verdict"
    print(header)
    print("-" * len(header))
    failed = []
    for name in names:
        rows = [results[size]["pages"].get(name) for size in sizes]
        status = ",".join(str(s) for s in sorted({s for row in rows if row for s in row["status"]}))
        line = f"{name:<{width}}  {status:>6}"
        for row in rows:
            line += f"  {row['p50']:>10.1f}  {row['p95']:>10.1f}" if row else f"  {'-':>10}  {'-':>10}"
        first, last = rows[0], rows[-1]
        if first and last and len(sizes) > 1:
            ratio = last["p50"] / first["p50"]
            ok = ratio <= MAX_RATIO and last["p95"] <= MAX_P95_MS and status == "200"
            line += f"  {ratio:>6.2f}  {verdict(ok)}"
            if not ok:
                failed.append(name)
        elif last:
            ok = last["p95"] <= MAX_P95_MS and status == "200"
            line += f"  {'-':>6}  {verdict(ok)}"
            if not ok:
                failed.append(name)
        print(line)
    within = (f"ratio {_short(large)}/{_short(small)} <= {MAX_RATIO} and " if len(sizes) > 1 else "") \
        + f"p95 <= {MAX_P95_MS} ms at {_short(large)}"
    print(f"\n{verdict(not failed)}  {backend}: {len(names) - len(failed)} of {len(names)} pages within {within}"
          + (f"; failing: {', '.join(failed)}" if failed else ""))


def _short(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", default="100000,1000000", help="table sizes, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--reuse", action="store_true", help="keep a database built before (complete builds only)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page before timing")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="time only pages whose name matches this regular expression")
    parser.add_argument("--build-only", action="store_true", help="build (or reuse) the databases, time nothing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-tickets", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0

    sizes = sorted(int(size) for size in args.tickets.split(","))
    print(f"machine: {machine()}")
    print(f"code: {code_version()}; {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC")
    print(f"method: Django test Client in-process, signed in as admin; every page {args.warmup} untimed "
          f"requests, then {args.repeat} timed; p50/p95 in ms (nearest rank)"
          + (f"; ratio = p50 at {_short(sizes[-1])} / p50 at {_short(sizes[0])}" if len(sizes) > 1 else "")
          + "\n", flush=True)
    for backend in args.backends.split(","):
        if backend == "postgresql" and not postgres_available():
            print("postgresql: not reachable on 127.0.0.1:5432, skipped")
            continue
        results = {}
        for size in sizes:
            result = run(backend, size, args)
            if result is not None:
                results[size] = result
        if results and not args.build_only:
            report(backend, [size for size in sizes if size in results], results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
