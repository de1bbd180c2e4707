"""Benchmark of the SLA business-time engine (DESIGN.md "Performance budgets").

    .venv/bin/python bench/sla_engine.py [--tickets N] [--sample 20000] [--lib-sample 2000]

Random tickets over 2024-2025 on a 5x8 Asia/Shanghai calendar with a lunch
break (09:00-12:00, 13:00-18:00) and China's holidays and 调休 workdays.
First checks that every method agrees, then times:

  * the engine (``BusinessClock.elapsed``, vectorised over all N tickets);
  * a straightforward per-ticket implementation walking day by day, the way
    common tools do it, on a sample, scaled to a rate;
  * a per-ticket binary search over the engine's own precomputed intervals
    (``bisect`` on the cumulative open seconds, one ticket at a time in
    Python): the fair scalar baseline, same data structure, no numpy;
  * ``businesstimedelta`` (PyPI), an established business-time library, on a
    smaller sample.  It has lunch breaks and holidays but no 调休 (working
    weekend days), so it is compared on the same calendar without 调休.

Every contestant is timed the same way: ``--repeat`` timed runs (default 5)
after one untimed warm-up run, and the median of those runs is the figure
reported (the output says so).  Also checks the engine against a brute-force
minute-by-minute reference on 100k minute-aligned tickets.  Prints PASS/FAIL
against the budgets (engine >= 1M computations/s and >= 100x the day walk),
reports the lead over the binary search too, and always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time as clock_time
from bisect import bisect_right
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.businesstime import (
    BusinessClock,
    CalendarSpec,
    china_holidays,
    workweek_hours,
)

TZ = "Asia/Shanghai"
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2026, 12, 31)
TICKETS_FROM, TICKETS_TO = date(2024, 1, 1), date(2025, 12, 31)
MIN_RATE = 1_000_000
MIN_SPEEDUP = 100


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def china_spec() -> CalendarSpec:
    china = china_holidays(range(FIRST_DAY.year, LAST_DAY.year + 1))
    hours = workweek_hours(("09:00", "12:00"), ("13:00", "18:00"))
    return CalendarSpec(TZ, hours, china.holidays, china.workdays)


def random_tickets(clock: BusinessClock, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Created uniformly over 2024-2025; durations mostly hours, some days,
    a few weeks."""
    rng = np.random.default_rng(seed)
    lo = clock.range_start
    hi = clock.range_start + ((TICKETS_TO - TICKETS_FROM).days + 1) * 86400
    created = rng.integers(lo, hi, n, dtype=np.int64)
    kind = rng.random(n)
    duration = np.where(kind < 0.7, rng.integers(0, 8 * 3600, n),
                        np.where(kind < 0.95, rng.integers(0, 7 * 86400, n), rng.integers(0, 30 * 86400, n)))
    return created, created + duration.astype(np.int64)


# --------------------------------------------------------------------------
# Other implementations
# --------------------------------------------------------------------------


def day_walk_elapsed(spec: CalendarSpec, zone, created: int, resolved: int) -> int:
    """Per ticket, day by day: overlap of [created, resolved) with each day's
    shifts.  Naive local arithmetic, exact for zones without DST (Shanghai)."""
    start = datetime.fromtimestamp(created, zone).replace(tzinfo=None)
    end = datetime.fromtimestamp(resolved, zone).replace(tzinfo=None)
    total = 0
    day = start.date()
    while day <= end.date():
        midnight = datetime.combine(day, time())
        for lo, hi in spec.shifts_on(day):
            overlap = min(end, midnight + timedelta(minutes=hi)) - max(start, midnight + timedelta(minutes=lo))
            if overlap > timedelta(0):
                total += int(overlap.total_seconds())
        day += timedelta(days=1)
    return total


def bisect_elapsed_function(clock: BusinessClock):
    """Per ticket, a binary search over the same precomputed intervals the
    engine uses: ``position(t)`` is the business seconds before the last
    interval starting at or before t plus the part of that interval up to t,
    capped at the interval's end.  Plain Python lists and ``bisect``, one
    ticket at a time."""
    starts = clock._starts.tolist()   # sentinel at range_start, then each open interval's start
    shift = clock._shift.tolist()     # business seconds before interval k minus its start
    cap = clock._cap.tolist()         # business seconds at the end of interval k

    def position(t: int) -> int:
        k = bisect_right(starts, t) - 1
        value = t + shift[k]
        return value if value < cap[k] else cap[k]

    def elapsed(created: int, resolved: int) -> int:
        value = position(resolved) - position(created)
        return value if value > 0 else 0

    return elapsed


def minute_reference(spec: CalendarSpec, clock: BusinessClock, created, resolved) -> np.ndarray:
    """Brute force: the open flag of every minute of the range, read from the
    local wall clock, summed per ticket (instants must be minute-aligned)."""
    zone = spec.zone
    base = clock.range_start
    flags = np.zeros((clock.range_end - base) // 60 + 1, dtype=np.int64)
    for i, instant in enumerate(range(base, clock.range_end, 60)):
        local = datetime.fromtimestamp(instant, zone)
        minute = local.hour * 60 + local.minute
        flags[i] = any(lo <= minute < hi for lo, hi in spec.shifts_on(local.date()))
    before = np.concatenate(([0], np.cumsum(flags)))
    return 60 * np.maximum(before[(resolved - base) // 60] - before[(created - base) // 60], 0)


def library_rule(spec: CalendarSpec):
    """businesstimedelta rules for the 5x8-with-lunch calendar + holidays."""
    import businesstimedelta as btd
    import pytz

    zone = pytz.timezone(spec.tz)
    weekdays = [0, 1, 2, 3, 4]
    return btd.Rules([
        btd.WorkDayRule(start_time=time(9), end_time=time(18), working_days=weekdays, tz=zone),
        btd.LunchTimeRule(start_time=time(12), end_time=time(13), working_days=weekdays, tz=zone),
        btd.HolidayRule(set(spec.holidays), tz=zone),
    ])


def library_elapsed(rule, created: int, resolved: int) -> int:
    import pytz

    delta = rule.difference(datetime.fromtimestamp(created, pytz.utc), datetime.fromtimestamp(resolved, pytz.utc))
    return int(delta.timedelta.total_seconds())


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


WARMUPS = 1


def median_time(function, repeat: int):
    """The same protocol for every contestant: WARMUPS untimed runs, then
    ``repeat`` timed runs; returns (result of the last run, median seconds)."""
    for _ in range(WARMUPS):
        function()
    times = []
    for _ in range(repeat):
        started = clock_time.perf_counter()
        result = function()
        times.append(clock_time.perf_counter() - started)
    return result, statistics.median(times)


def per_ticket(function, created, resolved):
    """A per-ticket contestant over Python ints (converted once, outside the timing)."""
    pairs = list(zip(created.tolist(), resolved.tolist(), strict=True))
    return lambda: np.array([function(a, b) for a, b in pairs], dtype=np.int64)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_mismatch(name: str, expected, got, created, resolved) -> None:
    bad = np.flatnonzero(expected != got)
    print(f"  {name}: {bad.size} differ; first: created={created[bad[0]]} resolved={resolved[bad[0]]} "
          f"engine={expected[bad[0]]} other={got[bad[0]]}")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="tickets for the per-ticket day walk")
    parser.add_argument("--lib-sample", type=int, default=2_000, help="tickets for businesstimedelta")
    parser.add_argument("--reference", type=int, default=100_000, help="tickets for the minute reference")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed runs per contestant (after one warm-up); the median is reported")
    parser.add_argument("--seed", type=int, default=20251001)
    args = parser.parse_args(argv)

    spec = china_spec()
    started = clock_time.perf_counter()
    clock = BusinessClock.from_spec(spec, FIRST_DAY, LAST_DAY)
    build = clock_time.perf_counter() - started
    print(f"calendar: 5x8 with lunch, {TZ}, China holidays/调休 {FIRST_DAY}..{LAST_DAY}: "
          f"{clock.starts.size} open intervals, built in {build * 1000:.1f} ms")
    created, resolved = random_tickets(clock, args.tickets, args.seed)
    n_sample = min(args.sample, args.tickets)
    n_lib = min(args.lib_sample, n_sample)
    print(f"tickets: {args.tickets:,} created {TICKETS_FROM}..{TICKETS_TO}; per-ticket sample {n_sample:,}; "
          f"library sample {n_lib:,}\n")

    checks: list[tuple[str, bool]] = []
    rows: list[tuple[str, int, float]] = []
    repeat = args.repeat

    # (a) engine
    engine, seconds = median_time(lambda: clock.elapsed(created, resolved), repeat)
    engine_rate = args.tickets / seconds
    rows.append(("engine elapsed()", args.tickets, engine_rate))

    due, due_seconds = median_time(lambda: clock.add(created, engine), repeat)
    rows.append(("engine add() (due dates)", args.tickets, args.tickets / due_seconds))
    checks.append(("add() inverts elapsed() on all tickets", bool((clock.elapsed(created, due) == engine).all())))
    rng = np.random.default_rng(args.seed + 1)
    pause_ticket = rng.integers(0, args.tickets, args.tickets // 2)
    pause_start = created[pause_ticket] + rng.integers(0, 3 * 86400, pause_ticket.size)
    pause_end = pause_start + rng.integers(0, 2 * 86400, pause_ticket.size)
    _, paused = median_time(lambda: clock.resolution_elapsed(created, resolved, pause_ticket, pause_start, pause_end),
                            repeat)
    rows.append((f"engine resolution_elapsed() +{pause_ticket.size:,} pauses", args.tickets, args.tickets / paused))

    # Minute-by-minute reference (DESIGN budget: identical on 100k tickets).
    n_ref = min(args.reference, args.tickets)
    ref_created, ref_resolved = created[:n_ref] // 60 * 60, resolved[:n_ref] // 60 * 60
    reference = minute_reference(spec, clock, ref_created, ref_resolved)
    ref_engine = clock.elapsed(ref_created, ref_resolved)
    checks.append((f"engine == minute-by-minute reference on {n_ref:,} tickets", bool((reference == ref_engine).all())))
    if not checks[-1][1]:
        report_mismatch("minute reference", ref_engine, reference, ref_created, ref_resolved)

    # (b) per-ticket binary search over the engine's own intervals
    sample_created, sample_resolved = created[:n_sample], resolved[:n_sample]
    searched, search_seconds = median_time(per_ticket(bisect_elapsed_function(clock), sample_created,
                                                      sample_resolved), repeat)
    search_rate = n_sample / search_seconds
    rows.append(("per-ticket binary search, same intervals (Python)", n_sample, search_rate))
    checks.append((f"engine == per-ticket binary search on {n_sample:,} tickets",
                   bool((searched == engine[:n_sample]).all())))
    if not checks[-1][1]:
        report_mismatch("binary search", engine[:n_sample], searched, created, resolved)

    # (c) per-ticket day walk
    zone = spec.zone
    walked, walk_seconds = median_time(per_ticket(lambda a, b: day_walk_elapsed(spec, zone, a, b), sample_created,
                                                  sample_resolved), repeat)
    walk_rate = n_sample / walk_seconds
    rows.append(("per-ticket day walk (Python)", n_sample, walk_rate))
    checks.append((f"engine == day walk on {n_sample:,} tickets", bool((walked == engine[:n_sample]).all())))
    if not checks[-1][1]:
        report_mismatch("day walk", engine[:n_sample], walked, created, resolved)

    # (d) businesstimedelta, on the calendar it can express (no 调休)
    try:
        rule = library_rule(spec)
    except ImportError:
        rule = None
        print("businesstimedelta is not installed (pip install businesstimedelta==1.0.1): library row skipped\n")
    if rule is not None:
        plain = BusinessClock.from_spec(replace(spec, adjusted_workdays=frozenset()), FIRST_DAY, LAST_DAY)
        library, lib_seconds = median_time(per_ticket(lambda a, b: library_elapsed(rule, a, b), created[:n_lib],
                                                      resolved[:n_lib]), repeat)
        rows.append(("businesstimedelta 1.0.1 (no 调休)", n_lib, n_lib / lib_seconds))
        expected = plain.elapsed(created[:n_lib], resolved[:n_lib])
        checks.append((f"engine (no 调休) == businesstimedelta on {n_lib:,} tickets",
                       bool((library == expected).all())))
        if not checks[-1][1]:
            report_mismatch("businesstimedelta", expected, library, created, resolved)

    print(f"timing: every contestant {WARMUPS} untimed warm-up run, then {repeat} timed runs; median reported\n")
    print(f"{'method':<52} {'tickets':>10} {'computations/s':>16} {'engine elapsed() is x faster':>29}")
    for name, count, rate in rows:
        print(f"{name:<52} {count:>10,} {rate:>16,.0f} {engine_rate / rate:>28,.1f}x")
    print()
    for name, ok in checks:
        print(f"{verdict(ok)}  {name}")
    print(f"{verdict(engine_rate >= MIN_RATE)}  engine >= {MIN_RATE:,} computations/s ({engine_rate:,.0f})")
    speedup = engine_rate / walk_rate
    print(f"{verdict(speedup >= MIN_SPEEDUP)}  engine >= {MIN_SPEEDUP}x per-ticket day walk ({speedup:,.0f}x)")
    print(f"info  engine vs per-ticket binary search over the same intervals: {engine_rate / search_rate:,.1f}x "
          "(no budget; the fair scalar baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
