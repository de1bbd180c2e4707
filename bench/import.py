# ruff: noqa: N999  (the file name is fixed by the project: bench/import.py)
"""Benchmark of the ticket import, SLA clocks included, against a raw bulk insert of the same final rows.

    .venv/bin/python bench/import.py [--rows 1000000] [--repeat 3] [--backend sqlite|postgresql|both] [--csv FILE]

A CSV of synthetic tickets (the demo generator: 12 months, about 10 % with a
waiting-on-customer pause) is imported into a hz-bank demo contract. Every
contestant runs `--repeat` times and is reported by its best run (all runs are
printed too); every run starts from a fresh database (a new SQLite file; the
PostgreSQL database `servplan_bench_import`, dropped and created again),
migrated and loaded with the demo company, so no run inherits another's table:

  * import: the pipeline a user runs (`TicketImport`, compute on: streaming read,
    validation pass over the whole file, spool, write pass keyed by
    (external_system, external_id) whose INSERTs carry each ticket's SLA clocks,
    pauses, rollup refresh, audit), from the CSV file;
  * re-import: the same file again into the database the import just filled
    (idempotent: every row unchanged, nothing written);
  * raw insert: the final rows of the first import (every column it wrote, the
    clock columns and the ids included, read back from that database), already
    in the form the database stores, inserted into a fresh table with plain
    `executemany` (SQLite) / binary `COPY` (PostgreSQL) in transactions of 5 000
    rows, pauses after them: the floor for any importer on this schema.

Prints a table of rows/s and the import/raw ratio, then PASS/FAIL against the
budgets of issue 16 (import >= 0.5x raw on each database, >= 25 000 rows/s on
SQLite) and, for information, DESIGN.md's PostgreSQL budget; always exits 0.
"""

import argparse
import json
import marshal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import djangoenv
from bench.djangoenv import demo_contract, machine, peak_rss_mb, postgres_available, run_child, setup_django

# A database of this benchmark's own, so it never drops the one another benchmark is using.
djangoenv.PG_DB = "servplan_bench_import"
djangoenv.PG_URL = f"postgres://postgres@127.0.0.1:5432/{djangoenv.PG_DB}"

RATIO_BUDGET = 0.5
SQLITE_BUDGET = 25_000
DESIGN_PG_BUDGET = 50_000
SEED = 42
SYSTEM = "bench"
BATCH = 5000


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---- children ------------------------------------------------------------------------------------

def _ticket_columns():
    """Every column of the ticket table the import writes (the id too; `security` keeps its default)."""
    from servicedata.importer import INSERT_FIELDS

    return ("id", *INSERT_FIELDS)


def import_child(backend, rows, csv_path, dump_path):
    """Fresh database: the import (clocks included), then the re-import; optionally dump the final rows."""
    setup_django()
    from core.context import acting_as
    from org.models import User
    from servicedata.columns import open_ticket_reader
    from servicedata.generator import generate_tickets, write_csv
    from servicedata.importer import TicketImport
    from servicedata.models import Ticket, TicketPause

    contract = demo_contract("hzbank")
    user = User.objects.get(username="admin")
    csv_path = Path(csv_path)
    if not csv_path.exists():
        log(f"writing {rows:,} tickets to {csv_path} ...")
        write_csv(csv_path, generate_tickets(contract, rows, SEED, months=12))
    result = {"backend": backend, "rows": rows}

    def run_import(label):
        started = time.perf_counter()
        with open(csv_path, "rb") as handle, acting_as(user):
            reader = open_ticket_reader("csv", handle, csv_path.stat().st_size)
            outcome = TicketImport(contract, user, external_system=SYSTEM).run(reader.rows, name=csv_path.name,
                                                                                sha256="bench")
        elapsed = time.perf_counter() - started
        assert not outcome.rejected, outcome.errors[:3]
        log(f"  {backend} {label}: {outcome.total:,} rows in {elapsed:.1f}s ({outcome.created:,} created, "
            f"{outcome.unchanged:,} unchanged, {outcome.computed:,} clocks)")
        return outcome, elapsed

    tickets = Ticket.objects.filter(external_system=SYSTEM)
    outcome, result["import_s"] = run_import("import")
    assert outcome.created == rows == outcome.computed
    assert not tickets.filter(computed_at__isnull=True).exists(), "a ticket was written without its clocks"
    result["peak_rss_mb"] = peak_rss_mb()
    result["pauses"] = TicketPause.objects.filter(ticket__external_system=SYSTEM).count()
    last_update = tickets.order_by("-updated").values_list("updated", flat=True).first()
    outcome, result["reimport_s"] = run_import("re-import")
    assert outcome.unchanged == rows and not outcome.created and not outcome.updated
    assert tickets.order_by("-updated").values_list("updated", flat=True).first() == last_update
    if dump_path:
        _dump(Path(dump_path))
    print(json.dumps(result))


def _epoch(column):
    from django.db import connection

    column = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _dump(path):
    """The imported tickets and their pauses, as stored (instants as epoch seconds), in batches of BATCH."""
    from django.db import connection
    from django.db.models import DateTimeField

    from servicedata.models import Ticket, TicketPause

    def select(model, names, where, params):
        fields = [model._meta.get_field(name) for name in names]
        return ", ".join(_epoch(f.column) if isinstance(f, DateTimeField) else connection.ops.quote_name(f.column)
                         for f in fields) + f" FROM {model._meta.db_table} {where}"

    tickets = select(Ticket, _ticket_columns(), "WHERE external_system = %s AND id > %s ORDER BY id", None)
    pauses = select(TicketPause, ("ticket", "start", "end"),
                    f"WHERE ticket_id IN (SELECT id FROM {Ticket._meta.db_table} WHERE external_system = %s) "
                    "AND id > %s ORDER BY id", None)
    with open(path, "wb") as out, connection.cursor() as cursor:
        for kind, sql, width in (("t", tickets, None), ("p", f"id, {pauses}", 1)):
            last = 0
            while True:
                cursor.execute(f"SELECT {sql} LIMIT {BATCH}", [SYSTEM, last])
                batch = cursor.fetchall()
                if not batch:
                    break
                last = batch[-1][0]
                batch = [tuple(row[width:]) if width else tuple(row) for row in batch]
                marshal.dump((kind, batch), out, 4)
    log(f"  dumped the final rows to {path} ({path.stat().st_size / 1e6:.0f} MB)")


def _load(path):
    """The dumped batches, each value in the form the database stores (not timed)."""
    from datetime import UTC, datetime

    from django.db import connection
    from django.db.models import DateTimeField

    from servicedata.models import Ticket, TicketPause

    def stored(model, names):
        times = [i for i, name in enumerate(names) if isinstance(model._meta.get_field(name), DateTimeField)]
        if connection.vendor == "postgresql":
            def convert(value):
                return None if value is None else datetime.fromtimestamp(value, UTC)
        else:  # Django's own SQLite text form of an aware datetime (UTC)
            def convert(value):
                return None if value is None else datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S")

        def rows(batch):
            out = []
            for row in batch:
                row = list(row)
                for i in times:
                    row[i] = convert(row[i])
                out.append(tuple(row))
            return out
        return rows

    ticket_rows = stored(Ticket, _ticket_columns())
    pause_rows = stored(TicketPause, ("ticket_id", "start", "end"))
    tickets, pauses = [], []
    with open(path, "rb") as handle:
        while True:
            try:
                kind, batch = marshal.load(handle)
            except EOFError:
                break
            (tickets if kind == "t" else pauses).append(ticket_rows(batch) if kind == "t" else pause_rows(batch))
    return tickets, pauses


def _raw_insert(model, names, batches):
    """Plain INSERT executemany (SQLite) / binary COPY (PostgreSQL) of ready rows, a transaction per batch."""
    from django.db import connection, transaction

    from servicedata.bulk import _pg_type

    fields = [model._meta.get_field(name) for name in names]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    table = qn(model._meta.db_table)
    for batch in batches:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types([_pg_type(f) for f in fields])
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",
                                   batch)


def raw_child(backend, rows, dump_path):
    """Fresh database: the same final rows inserted raw (the floor)."""
    setup_django()
    from servicedata import bulk
    from servicedata.models import Ticket, TicketPause

    tickets, pauses = _load(Path(dump_path))
    assert sum(len(b) for b in tickets) == rows
    bulk.tune_for_bulk()
    started = time.perf_counter()
    _raw_insert(Ticket, _ticket_columns(), tickets)
    _raw_insert(TicketPause, ("ticket_id", "start", "end"), pauses)
    elapsed = time.perf_counter() - started
    log(f"  {backend} raw insert: {rows:,} tickets + {sum(len(b) for b in pauses):,} pauses in {elapsed:.1f}s")
    assert Ticket.objects.filter(external_system=SYSTEM).count() == rows
    print(json.dumps({"raw_s": elapsed}))


# ---- parent: the table --------------------------------------------------------------------------

def measure_backend(backend, args, csv_path, tmp):
    runs = {"import_s": [], "reimport_s": [], "raw_s": []}
    dump = Path(tmp) / f"final-rows-{backend}.marshal"
    info = {}
    for repeat in range(args.repeat):
        var_dir = Path(tempfile.mkdtemp(prefix=f"{backend}-import-{repeat}-", dir=tmp))
        out = run_child(Path(__file__), backend, var_dir, ["--rows", str(args.rows), "--csv", str(csv_path),
                                                          *(["--dump", str(dump)] if repeat == 0 else [])])
        runs["import_s"].append(out["import_s"])
        runs["reimport_s"].append(out["reimport_s"])
        info = {"pauses": out["pauses"], "peak_rss_mb": max(info.get("peak_rss_mb", 0), out["peak_rss_mb"])}
    for repeat in range(args.repeat):
        var_dir = Path(tempfile.mkdtemp(prefix=f"{backend}-raw-{repeat}-", dir=tmp))
        out = run_child(Path(__file__), backend, var_dir, ["--rows", str(args.rows), "--raw", str(dump)])
        runs["raw_s"].append(out["raw_s"])
    return {"backend": backend, "rows": args.rows, "runs": runs, **info}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of every contestant (best one reported)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--csv", help="CSV file to use (written first if missing); default: a temporary one")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("--raw", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.raw:
            raw_child(args.child, args.rows, args.raw)
        else:
            import_child(args.child, args.rows, args.csv, args.dump)
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_available():
        print("PostgreSQL is not reachable on 127.0.0.1:5432: its row is skipped\n")
        backends.remove("postgresql")
    print(f"machine: {machine()}")
    print(f"rows: {args.rows:,} tickets in one CSV (12 months, ~10 % with a pause); every contestant run "
          f"{args.repeat}x on a fresh database, best run reported\n")
    results = []
    with tempfile.TemporaryDirectory(prefix="servplan-bench-import-") as tmp:
        csv_path = Path(args.csv) if args.csv else Path(tmp) / f"tickets-{args.rows}.csv"
        for backend in backends:
            results.append(measure_backend(backend, args, csv_path, tmp))
    header = (f"{'backend':<11} {'import rows/s':>14} {'raw insert rows/s':>18} {'import/raw':>11} "
              f"{'re-import rows/s':>17} {'peak RSS MB':>12}")
    print(header)
    print("-" * len(header))
    for r in results:
        n, best = r["rows"], {name: min(times) for name, times in r["runs"].items()}
        r["import_rate"], r["raw_rate"] = n / best["import_s"], n / best["raw_s"]
        print(f"{r['backend']:<11} {r['import_rate']:>14,.0f} {r['raw_rate']:>18,.0f} "
              f"{r['import_rate'] / r['raw_rate']:>10.2f}x {n / best['reimport_s']:>17,.0f} {r['peak_rss_mb']:>12,.0f}")
    print("\nall runs (seconds):")
    for r in results:
        for name, times in r["runs"].items():
            print(f"  {r['backend']:<11} {name:<11} {' '.join(f'{t:.1f}' for t in times)}")
    print()
    for r in results:
        ratio = r["import_rate"] / r["raw_rate"]
        print(f"{'PASS' if ratio >= RATIO_BUDGET else 'FAIL'}  {r['backend']}: import with its clocks >= "
              f"{RATIO_BUDGET}x a raw insert of the same final rows ({ratio:.2f}x; {r['pauses']:,} pauses)")
        if r["backend"] == "sqlite":
            print(f"{'PASS' if r['import_rate'] >= SQLITE_BUDGET else 'FAIL'}  sqlite: import with its clocks >= "
                  f"{SQLITE_BUDGET:,} rows/s ({r['import_rate']:,.0f})")
        else:
            print(f"info  postgresql: DESIGN.md budget {DESIGN_PG_BUDGET:,} rows/s "
                  f"({'met' if r['import_rate'] >= DESIGN_PG_BUDGET else 'not met'}: {r['import_rate']:,.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
