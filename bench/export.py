"""Benchmark of list exports (DESIGN.md "Performance budgets": CSV >= 50k rows/s, XLSX >= 15k rows/s, memory growth
<= 100 MB for 1M rows).

    .venv/bin/python bench/export.py [--rows 1000000] [--backend sqlite|postgresql|both] [--repeat 1]

In a fresh database per backend (SQLite file; PostgreSQL `servplan_bench`, recreated) with the demo company, one
contract gets `--rows` measured tickets (written in batches, not imported: the export is what is measured). The
ticket list (`/servicedata/ticket/?contract=…`) is then exported as CSV and as XLSX through the page's own view, as
the auditor, with the synchronous threshold raised above the rows (the code path a background job runs too: the
same plan, writer and cursor). The CSV response is consumed piece by piece as a browser would; the XLSX is written
to its temporary file and read back. Resident memory (VmRSS) is sampled every 20 ms in a thread: the table gives
the peak growth over the RSS before the export and the growth left after it. Same repetitions for both formats
(the best time and the largest memory growth are reported).

Prints the table, then PASS/FAIL against the budget; always exits 0.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.djangoenv import demo_contract, machine, postgres_available, run_child, setup_django

BUDGET = {"csv": 50_000, "xlsx": 15_000}
MEMORY_BUDGET_MB = 100


def log(message):
    print(message, file=sys.stderr, flush=True)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """The highest RSS seen while it runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = rss_mb(), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.join()
        self.peak = max(self.peak, rss_mb())
        return self.peak


def add_tickets(contract, count):
    from datetime import UTC, datetime, timedelta

    from catalog.models import Service
    from servicedata.models import Ticket

    service = Service.objects.order_by("pk").first()
    start = datetime(2025, 12, 1, tzinfo=UTC)
    step = timedelta(seconds=max(1, int(365 * 86400 / max(count, 1))))
    kinds, statuses, priorities = ("incident", "service_request", "change"), ("resolved", "closed", "in_progress"), \
        ("P1", "P2", "P3", "P4")
    batch = []
    for i in range(count):
        created = start + step * i
        done = i % 5 != 0
        batch.append(Ticket(
            contract=contract, customer_id=contract.customer_id, service=service, external_system="bench",
            external_id=f"EXP-{i:08d}", kind=kinds[i % 3], priority=priorities[i % 4], status=statuses[i % 3],
            category="网络故障：交换机端口" if i % 2 else "软件问题", summary=f"用户报告故障 {i}，已远程处理",
            configuration_item=f"CI-{i % 500}", created=created, first_response=created + timedelta(minutes=20),
            resolved=created + timedelta(hours=3) if done else None, source_hash="bench",
            response_seconds=1200 + i % 900, resolution_seconds=(10800 + i % 7200) if done else None,
            response_met=i % 11 != 0, resolution_met=(i % 7 != 0) if done else None,
            response_decided=created + timedelta(minutes=20),
            resolution_decided=created + timedelta(hours=3) if done else None, computed_at=created))
        if len(batch) == 10_000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


def child(backend, rows, repeat):
    setup_django()
    import gc

    from django.conf import settings
    from django.db import connection
    from django.test import RequestFactory
    from django.urls import resolve, reverse
    from django.utils import timezone, translation

    from org.models import User

    contract = demo_contract("szmetro")
    started = time.perf_counter()
    add_tickets(contract, rows)
    log(f"{backend}: {rows:,} tickets written in {time.perf_counter() - started:.0f}s")
    settings.SERVPLAN_EXPORT_SYNC_ROWS = rows + 1
    auditor = User.objects.get(username="auditor")
    url = reverse("servicedata:ticket_list")
    view = resolve(url).func

    def export(fmt):
        request = RequestFactory().get(url, {"contract": contract.pk, "export": fmt})
        request.user = auditor
        request.htmx = False
        request.session = {}
        from django.contrib.messages.storage.fallback import FallbackStorage

        request._messages = FallbackStorage(request)
        response = view(request)
        assert response.status_code == 200, response.status_code
        size, lines = 0, 0
        for piece in response.streaming_content:
            size += len(piece)
            if fmt == "csv":
                lines += piece.count(b"\r\n")
        response.close()
        return size, lines

    results = []
    with translation.override("zh-hans"), timezone.override(timezone.get_default_timezone()):
        for fmt in ("csv", "xlsx"):
            best, growth, left, size, lines = None, 0.0, 0.0, 0, 0
            for _ in range(repeat):
                gc.collect()
                before = rss_mb()
                sampler = Sampler()
                sampler.start()
                t0 = time.perf_counter()
                size, lines = export(fmt)
                seconds = time.perf_counter() - t0
                peak = sampler.stop()
                gc.collect()
                best = seconds if best is None else min(best, seconds)
                growth, left = max(growth, peak - before), max(left, rss_mb() - before)
                log(f"{backend} {fmt}: {rows / seconds:,.0f} rows/s, peak +{peak - before:.0f} MB")
            if fmt == "csv":
                assert lines == rows + 1, (lines, rows)
            results.append({"format": fmt, "seconds": best, "rows_per_s": rows / best, "peak_growth_mb": growth,
                            "left_mb": left, "bytes": size})
    print(json.dumps({"backend": backend, "vendor": connection.vendor, "rows": rows, "results": results}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows exported")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=1, help="runs per format (the same for both)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.rows, args.repeat)
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_available():
        print("PostgreSQL is not reachable on 127.0.0.1:5432: its rows are skipped\n")
        backends.remove("postgresql")
    print(f"machine: {machine()}")
    print(f"ticket list of one contract, {args.rows:,} rows, as the auditor in Chinese; best of {args.repeat}\n")
    header = (f"{'backend':<11} {'format':<7} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'budget':>8} "
              f"{'RSS peak +MB':>13} {'RSS left +MB':>13} {'file MB':>8}")
    print(header)
    print("-" * len(header))
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="servplan-bench-") as tmp:
        for backend in backends:
            var_dir = Path(tmp) / backend
            var_dir.mkdir()
            result = run_child(Path(__file__), backend, var_dir,
                               ["--rows", str(args.rows), "--repeat", str(args.repeat)])
            for r in result["results"]:
                fmt = r["format"]
                print(f"{backend:<11} {fmt:<7} {result['rows']:>10,} {r['seconds']:>8.1f} {r['rows_per_s']:>9,.0f} "
                      f"{BUDGET[fmt]:>8,} {r['peak_growth_mb']:>13.0f} {r['left_mb']:>13.0f} "
                      f"{r['bytes'] / 1e6:>8.1f}")
                verdicts.append((r["rows_per_s"] >= BUDGET[fmt],
                                 f"{backend} {fmt}: {r['rows_per_s']:,.0f} rows/s (budget {BUDGET[fmt]:,})"))
                scaled = r["peak_growth_mb"] * (1_000_000 / result["rows"] if result["rows"] > 1_000_000 else 1)
                verdicts.append((scaled <= MEMORY_BUDGET_MB,
                                 f"{backend} {fmt}: memory growth {r['peak_growth_mb']:.0f} MB at peak for "
                                 f"{result['rows']:,} rows (budget {MEMORY_BUDGET_MB} MB for 1M)"))
    print()
    for ok, text in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
