"""Benchmark of one month's SLA figures (DESIGN.md "Performance budgets": seconds, not minutes, for a month of
1M-ticket data; time grows with the month's tickets, not with the table).

    .venv/bin/python bench/report.py [--tickets 1000000] [--month-tickets 10000] [--backend sqlite|postgresql|both]

In a fresh database per backend (SQLite file; PostgreSQL `servplan_bench`, recreated):

  1. contract A (杭州联合银行, 5x8) gets `--month-tickets` tickets in last month M, imported and measured
     (clocks computed); the table holds only them. Its figures for M are timed two ways:
     `servicedata.sla.period_metrics` (the service the dashboard and the monthly report use: achievement per
     priority and overall, availability, MTTR/MTBF, volume, capacity, warnings) and one raw SQL aggregate
     giving the same achievement and volume counts. Both must agree.
  2. The table grows to `--tickets`: A gets tickets in the months before M and contract B (苏州轨道交通,
     7x24) a year of tickets. A's figures for M are timed again: same month, same tickets, a table 100x
     larger; then B's figures for M, a month with several times more tickets.

Prints the table of times and ratios, then PASS/FAIL; always exits 0.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.djangoenv import demo_contract, machine, postgres_available, run_child, setup_django

REPEAT = 7


def log(message):
    print(message, file=sys.stderr, flush=True)


RAW_SQL = """
SELECT priority, SUM(rc), SUM(rw), SUM(sc), SUM(sw), SUM(v) FROM (
    SELECT priority, 1 AS rc, CASE WHEN response_met THEN 1 ELSE 0 END AS rw, 0 AS sc, 0 AS sw, 0 AS v
    FROM servicedata_ticket WHERE contract_id = %s AND response_decided >= %s AND response_decided < %s
  UNION ALL
    SELECT priority, 0, 0, 1, CASE WHEN resolution_met THEN 1 ELSE 0 END, 0
    FROM servicedata_ticket WHERE contract_id = %s AND resolution_decided >= %s AND resolution_decided < %s
  UNION ALL
    SELECT priority, 0, 0, 0, 0, 1
    FROM servicedata_ticket WHERE contract_id = %s AND created >= %s AND created < %s
) AS counted GROUP BY priority
"""


def child(backend, tickets, month_tickets):
    setup_django()
    from datetime import datetime

    from django.db import connection
    from django.utils import timezone

    from core.context import acting_as
    from org.models import User
    from servicedata import sla
    from servicedata.generator import generate_tickets
    from servicedata.importer import TicketImport
    from servicedata.models import Ticket

    user = User.objects.get(username="admin")
    a, b = demo_contract("hzbank"), demo_contract("szmetro")
    zone = sla.contract_zone(a)
    today = timezone.now().astimezone(zone)
    year, month = sla.last_months(today.year, today.month, 2)[0]
    start, end = sla.month_bounds(year, month, zone)

    def load(contract, count, seed, months, until, prefix):
        started = time.perf_counter()
        with acting_as(user):
            result = TicketImport(contract, user, external_system="bench").run(
                lambda: enumerate(generate_tickets(contract, count, seed, months=months, end=until, prefix=prefix),
                                  start=1), name=prefix)
        assert not result.rejected, result.errors[:3]
        log(f"{prefix}: {result.created:,} tickets imported and measured in {time.perf_counter() - started:.0f}s")

    def raw(contract):
        adapt = connection.ops.adapt_datetimefield_value
        s, e = adapt(start), adapt(end)
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [contract.pk, s, e] * 3)
            rows = cursor.fetchall()
        return {p: tuple(int(v) for v in values) for p, *values in rows}

    def service(contract):
        m = sla.period_metrics(contract, year, month)
        return {f.priority: (r.counted, r.within, f.counted, f.within, m.volume_by_priority.get(f.priority, 0))
                for r, f in zip(m.response, m.resolution, strict=True)
                if r.counted or f.counted or m.volume_by_priority.get(f.priority)}

    def timed(fn, contract):
        times, value = [], None
        for _ in range(REPEAT):
            started = time.perf_counter()
            value = fn(contract)
            times.append(time.perf_counter() - started)
        return statistics.median(times), value

    def case(label, contract):
        service_s, figures = timed(service, contract)
        raw_s, raw_figures = timed(raw, contract)
        assert figures == raw_figures, (figures, raw_figures)
        counted = sum(max(v[0], v[2], v[4]) for v in figures.values())
        return {"case": label, "table": Ticket.objects.count(), "month": counted,
                "month_rows": sum(v[4] for v in figures.values()), "service_s": service_s, "raw_s": raw_s,
                "response": {p: v[:2] for p, v in figures.items()}}

    load(a, month_tickets, 1, 1, end, "A-month")
    results = [case(f"A {year}-{month:02d}, small table", a)]
    rest = tickets - month_tickets
    before = datetime(year, month, 1, tzinfo=zone) - (end - start) - (end - start) / 2  # a gap of 1.5 months
    load(a, rest // 2, 2, 10, before, "A-history")
    load(b, rest - rest // 2, 3, 12, timezone.now(), "B-year")
    results.append(case(f"A {year}-{month:02d}, large table", a))
    results.append(case(f"B {year}-{month:02d}, large table", b))
    assert results[0]["response"] == results[1]["response"]
    print(json.dumps({"backend": backend, "vendor": connection.vendor, "cases": results}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets in the table at the end")
    parser.add_argument("--month-tickets", type=int, default=10_000, help="contract A's tickets in the month")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.tickets, args.month_tickets)
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_available():
        print("PostgreSQL is not reachable on 127.0.0.1:5432: its rows are skipped\n")
        backends.remove("postgresql")
    print(f"machine: {machine()}")
    print(f"table: up to {args.tickets:,} tickets; contract A has {args.month_tickets:,} in the month measured; "
          f"median of {REPEAT} runs\n")
    header = (f"{'backend':<11} {'case':<28} {'tickets in table':>17} {'tickets in month':>17} "
              f"{'service ms':>11} {'raw SQL ms':>11} {'service/raw':>12}")
    print(header)
    print("-" * len(header))
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="servplan-bench-") as tmp:
        for backend in backends:
            var_dir = Path(tmp) / backend
            var_dir.mkdir()
            result = run_child(Path(__file__), backend, var_dir,
                               ["--tickets", str(args.tickets), "--month-tickets", str(args.month_tickets)])
            small, large, _busy = result["cases"]
            for c in result["cases"]:
                ratio = c["service_s"] / c["raw_s"]
                print(f"{backend:<11} {c['case']:<28} {c['table']:>17,} {c['month']:>17,} "
                      f"{c['service_s'] * 1000:>11,.1f} {c['raw_s'] * 1000:>11,.1f} {ratio:>11.1f}x")
            growth = large["service_s"] / small["service_s"]
            verdicts.append((large["service_s"] < 10, f"{backend}: a month's figures with {large['table']:,} "
                                                      f"tickets in the table take {large['service_s']:.2f}s"))
            verdicts.append((growth < 2, f"{backend}: same month, table {large['table'] / small['table']:.0f}x "
                                         f"larger: time x{growth:.2f} (follows the month's tickets)"))
    print()
    for ok, text in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print("(figures from the service and from the raw SQL aggregate are asserted equal in every case)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
