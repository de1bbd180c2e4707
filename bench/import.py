# ruff: noqa: N999  (the file name is fixed by the project: bench/import.py)
"""Benchmark of the ticket import (DESIGN.md "Performance budgets": >= 25k rows/s SQLite, >= 50k rows/s PostgreSQL).

    .venv/bin/python bench/import.py [--rows 1000000] [--backend sqlite|postgresql|both] [--csv FILE]

A CSV of synthetic tickets (the demo generator: 12 months, about 10 % with a
waiting-on-customer pause) is imported into a fresh database per backend
(SQLite file in WAL mode; PostgreSQL database `servplan_bench`, recreated).
Measured in the same run, on the same table:

  * the import pipeline (`TicketImport`: streaming read, validation pass over
    the whole file, spool, write pass keyed by (external_system, external_id))
    from the CSV file, SLA clocks excluded;
  * re-importing the same file (idempotent: every row unchanged);
  * computing the SLA clocks of the imported tickets (`sla.compute_pending`);
  * a raw bulk insert of exactly the same rows (tickets and pauses, already
    parsed, ids given) into the emptied table: executemany (SQLite) / COPY
    (PostgreSQL), the floor for any importer;
  * Django's bulk_create on a sample, for context (why the importer does not
    use it).

Prints a table of rows/s and ratios, then PASS/FAIL against the budgets; always exits 0.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.djangoenv import demo_contract, machine, peak_rss_mb, postgres_available, run_child, setup_django

BUDGET = {"sqlite": 25_000, "postgresql": 50_000}
SEED = 42


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---- child: one backend -------------------------------------------------------------------------

def child(backend, rows, csv_path):
    setup_django()
    from django.db import connection, transaction

    from core.context import acting_as
    from org.models import User
    from servicedata import bulk, sla
    from servicedata.columns import open_ticket_reader
    from servicedata.generator import generate_tickets, write_csv
    from servicedata.importer import INSERT_FIELDS, TicketImport
    from servicedata.models import Ticket, TicketPause

    contract = demo_contract("hzbank")
    user = User.objects.get(username="admin")
    csv_path = Path(csv_path)
    if not csv_path.exists():
        log(f"writing {rows:,} tickets to {csv_path} ...")
        write_csv(csv_path, generate_tickets(contract, rows, SEED, months=12))
    result = {"backend": backend, "vendor": connection.vendor, "rows": rows}

    def run_import(label):
        started = time.perf_counter()
        with open(csv_path, "rb") as handle, acting_as(user):
            reader = open_ticket_reader("csv", handle, csv_path.stat().st_size)
            outcome = TicketImport(contract, user, external_system="bench", compute=False).run(
                reader.rows, name=csv_path.name, sha256="bench")
        elapsed = time.perf_counter() - started
        assert not outcome.rejected, outcome.errors[:3]
        log(f"{label}: {outcome.total:,} rows in {elapsed:.1f}s ({outcome.created:,} created, "
            f"{outcome.unchanged:,} unchanged)")
        return outcome, elapsed

    outcome, elapsed = run_import("import")
    assert outcome.created == rows
    result["import_s"] = elapsed
    result["pauses"] = TicketPause.objects.count()
    result["peak_rss_mb"] = peak_rss_mb()
    outcome, elapsed = run_import("re-import")
    assert outcome.unchanged == rows
    result["reimport_s"] = elapsed

    started = time.perf_counter()
    with acting_as(user):
        computed = sla.compute_pending(contract).tickets
    result["compute_s"] = time.perf_counter() - started
    log(f"SLA clocks: {computed:,} tickets in {result['compute_s']:.1f}s")

    # The same rows, parsed beforehand (not timed), with their ids: the floor for any importer.
    log("preparing the raw rows ...")
    from servicedata.normalise import Normaliser

    normalise = Normaliser(sla.contract_zone(contract), "bench", sla.service_lookup(),
                           default_service=contract.service_tier.service_id)
    # ids well above the sequence, so the bulk_create sample below (sequence ids) never collides on PostgreSQL
    next_id = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 2 * rows + 1
    now = int(time.time())
    tickets, pauses = [], []
    with open(csv_path, "rb") as handle:
        for number, record in open_ticket_reader("csv", handle).rows():
            row, _errors, _warnings, _findings = normalise(number, record)
            tickets.append((next_id, contract.pk, contract.customer_id, *row[:13], "0" * 32, False, False, now, now))
            pauses += [(next_id, s, e) for s, e in row[13]]
            next_id += 1
    TicketPause.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Ticket._meta.db_table}")
    bulk.tune_for_bulk()
    started = time.perf_counter()
    for i in range(0, len(tickets), 5000):
        with transaction.atomic():
            bulk.insert_rows(Ticket, ("id", *INSERT_FIELDS), tickets[i:i + 5000])
    with transaction.atomic():
        bulk.insert_rows(TicketPause, ("ticket_id", "start", "end"), pauses)
    result["raw_s"] = time.perf_counter() - started
    log(f"raw insert: {len(tickets):,} tickets + {len(pauses):,} pauses in {result['raw_s']:.1f}s")
    assert Ticket.objects.count() == rows

    sample = min(rows, 50_000)
    from datetime import UTC, datetime

    def aware(seconds):
        return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

    objects = [Ticket(contract_id=t[1], customer_id=t[2], external_system="bulk_create", external_id=t[4],
                      kind=t[5], priority=t[6], status=t[7], category=t[8], summary=t[9], configuration_item=t[10],
                      service_id=t[11], created=aware(t[12]), first_response=aware(t[13]), resolved=aware(t[14]),
                      closed=aware(t[15]), source_hash="0" * 32) for t in tickets[:sample]]
    started = time.perf_counter()
    with transaction.atomic():
        Ticket.objects.bulk_create(objects, batch_size=2000)
    result["bulk_create_rows"] = sample
    result["bulk_create_s"] = time.perf_counter() - started
    print(json.dumps(result))


# ---- parent: the table --------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--csv", help="CSV file to use (written first if missing); default: a temporary one")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.rows, args.csv)
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_available():
        print("PostgreSQL is not reachable on 127.0.0.1:5432: its row is skipped\n")
        backends.remove("postgresql")
    print(f"machine: {machine()}")
    print(f"rows: {args.rows:,} tickets in one CSV (12 months, ~10 % with a pause)\n")
    results = []
    with tempfile.TemporaryDirectory(prefix="servplan-bench-") as tmp:
        csv_path = Path(args.csv) if args.csv else Path(tmp) / f"tickets-{args.rows}.csv"
        for backend in backends:
            var_dir = Path(tmp) / backend
            var_dir.mkdir()
            results.append(run_child(Path(__file__), backend, var_dir, ["--rows", str(args.rows), "--csv",
                                                                         str(csv_path)]))
    header = (f"{'backend':<11} {'import rows/s':>14} {'raw insert rows/s':>18} {'import/raw':>11} "
              f"{'re-import rows/s':>17} {'SLA clocks/s':>13} {'bulk_create rows/s':>19} {'peak RSS MB':>12}")
    print(header)
    print("-" * len(header))
    for r in results:
        n = r["rows"]
        import_rate, raw_rate = n / r["import_s"], n / r["raw_s"]
        print(f"{r['backend']:<11} {import_rate:>14,.0f} {raw_rate:>18,.0f} {import_rate / raw_rate:>10.2f}x "
              f"{n / r['reimport_s']:>17,.0f} {n / r['compute_s']:>13,.0f} "
              f"{r['bulk_create_rows'] / r['bulk_create_s']:>19,.0f} {r['peak_rss_mb']:>12,.0f}")
    print()
    for r in results:
        rate = r["rows"] / r["import_s"]
        verdict = "PASS" if rate >= BUDGET[r["backend"]] else "FAIL"
        print(f"{verdict}  {r['backend']}: import >= {BUDGET[r['backend']]:,} rows/s ({rate:,.0f}; "
              f"{r['pauses']:,} pauses written too)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
