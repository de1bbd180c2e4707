"""Report figures against an independent brute-force computation from the raw tickets (not the SLA engine).

Calendar and service window of the nbhospital contract: Monday–Friday 09:00–12:00 and 13:00–18:00
Asia/Shanghai; March 2026 has no holiday or adjusted workday (asserted). Every figure is recomputed here with
plain loops, minute by minute.
"""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from servicedata.models import MaintenanceWindow, Outage, Ticket

from .helpers import BJ, generated_report, load_month

MINUTE = timedelta(minutes=1)
MARCH = (datetime(2026, 3, 1, tzinfo=BJ), datetime(2026, 4, 1, tzinfo=BJ))


def is_business_minute(instant):
    local = instant.astimezone(BJ)
    if local.weekday() >= 5:
        return False
    minutes = local.hour * 60 + local.minute
    return 9 * 60 <= minutes < 12 * 60 or 13 * 60 <= minutes < 18 * 60


def in_pauses(instant, pauses):
    return any(start <= instant < end for start, end in pauses)


def business_minutes(start, end, pauses=()):
    count, t = 0, start
    while t < end:
        if is_business_minute(t) and not in_pauses(t, pauses):
            count += 1
        t += MINUTE
    return count


def due_instant(start, target_minutes, pauses=()):
    count, t = 0, start
    while count < target_minutes:
        if is_business_minute(t) and not in_pauses(t, pauses):
            count += 1
        t += MINUTE
    return t


def expected_achievement(tickets, targets):
    """{(clock, priority): (within, counted)} for tickets decided in March; priority "" = overall."""
    result = {}
    for ticket in tickets:
        pauses = [(p.start, p.end) for p in ticket.pauses.all()]
        target = targets[ticket.priority]
        for clock, done, minutes, clock_pauses in (
                ("response", ticket.first_response, target.response_seconds // 60, ()),
                ("resolution", ticket.resolved, target.resolution_seconds // 60, pauses)):
            due = due_instant(ticket.created, minutes, clock_pauses)
            met = done is not None and business_minutes(ticket.created, done, clock_pauses) <= minutes
            decided = done if met else due
            if not MARCH[0] <= decided < MARCH[1]:
                continue
            for key in ((clock, ticket.priority), (clock, "")):
                within, counted = result.get(key, (0, 0))
                result[key] = (within + met, counted + 1)
    return result


def expected_availability(outages, windows):
    announced_windows = [(w.start, w.end) for w in windows if w.announced_at and w.announced_at <= w.start]
    agreed = down = 0
    t = MARCH[0]
    while t < MARCH[1]:
        if is_business_minute(t):
            agreed += 1
            for o in outages:
                if o.start <= t < o.end:
                    excused = (o.planned and o.announced_at is not None and o.announced_at <= o.start
                               and any(ws <= t < we for ws, we in announced_windows))
                    if not excused:
                        down += 1
                        break
        t += MINUTE
    return agreed, down


def expected_mttr_mtbf(outages, windows):
    announced_windows = [(w.start, w.end) for w in windows if w.announced_at and w.announced_at <= w.start]
    failures = [o for o in outages if not (o.planned and o.announced_at is not None and o.announced_at <= o.start
                                          and any(ws <= o.start and o.end <= we for ws, we in announced_windows))]
    outage_seconds = sum((o.end - o.start).total_seconds() for o in failures)
    period = (MARCH[1] - MARCH[0]).total_seconds()
    return outage_seconds / len(failures), (period - outage_seconds) / len(failures)


@pytest.fixture
def report(contract, demo):
    for day in range(1, 32):
        d = date(2026, 3, day)
        assert chinese_calendar.is_workday(d) == (d.weekday() < 5)
    load_month(contract, demo["svc_staff"])
    return generated_report(contract, demo)


def test_report_figures_equal_a_brute_force_count(report, contract):
    tickets = list(Ticket.objects.filter(contract=contract).prefetch_related("pauses"))
    assert len(tickets) == 60
    targets = contract.service_tier.targets()
    expected = expected_achievement(tickets, targets)
    rows = {row["key"]: row for row in report.snapshot["table"]}
    checked = 0
    for clock in ("response", "resolution"):
        for priority in ("P1", "P2", "P3", "P4", ""):
            row = rows[f"{clock}_{priority or 'all'}"]
            within, counted = expected.get((clock, priority), (0, 0))
            assert (row["within"], row["counted"]) == (within, counted), (clock, priority)
            if counted:
                assert row["actual"] == pytest.approx(round(100 * within / counted, 2))
                checked += 1
            if priority:
                assert row["target"] == targets[priority].target_percent
                assert row["met"] == (100 * within / counted >= targets[priority].target_percent
                                      if counted else None)
    assert checked >= 8

    outages, windows = list(Outage.objects.filter(contract=contract)), list(MaintenanceWindow.objects.filter(
        contract=contract))
    agreed, down = expected_availability(outages, windows)
    assert agreed == 22 * 8 * 60
    assert rows["availability"]["agreed_seconds"] == agreed * 60
    assert rows["availability"]["downtime_seconds"] == down * 60
    assert rows["availability"]["actual"] == pytest.approx(round(100 * (agreed - down) / agreed, 3))
    mttr, mtbf = expected_mttr_mtbf(outages, windows)
    assert rows["mttr"]["actual"] == pytest.approx(round(mttr))
    assert rows["mtbf"]["actual"] == pytest.approx(round(mtbf))
    assert rows["volume"]["actual"] == len(tickets)


def test_missed_targets_get_an_analysis_row(report):
    missed = {row["key"] for row in report.snapshot["table"] if row["met"] is False}
    assert missed, "the seeded month must miss at least one target"
    assert {a.metric_key for a in report.analyses.all()} == missed
    assert report.snapshot["trend"][-1]["label"] == "2026-03" and len(report.snapshot["trend"]) == 12
    assert report.snapshot["major_incidents"] and report.snapshot["categories"]
