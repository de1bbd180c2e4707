"""Synthetic service data: realistic tickets, pauses, outages and maintenance windows, deterministic per seed.

Arrivals follow the contract's business calendar (most tickets come in
working hours, some at night and on holidays); the priority mix, categories
and kinds are those of a typical IT operations desk; response and resolution
times are drawn relative to the SLA targets so most are within target and
some breach; about one ticket in ten waits on the customer for a while.
Tickets too recent to have finished stay open. Rows come out in the import
format (docs/import.md), so they go through the same validated import.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import numpy as np

from catalog.choices import Priority
from catalog.targets import target_arrays
from core import businesstime

from . import sla

PRIORITY_MIX = {Priority.P1: 0.03, Priority.P2: 0.12, Priority.P3: 0.45, Priority.P4: 0.40}
KIND_MIX = {"incident": 0.6, "service_request": 0.3, "change": 0.1}
CATEGORIES = {"硬件故障": 0.18, "网络故障": 0.14, "账号权限": 0.2, "软件问题": 0.22, "打印外设": 0.08,
              "邮件系统": 0.07, "数据库": 0.06, "安全事件": 0.05}
SUMMARIES = {"硬件故障": "终端无法开机", "网络故障": "网络连接中断", "账号权限": "账号解锁及权限申请",
             "软件问题": "业务系统报错", "打印外设": "打印机卡纸", "邮件系统": "邮件无法收发",
             "数据库": "数据库响应缓慢", "安全事件": "疑似病毒告警"}
CIS = ["PC-{:04d}", "SW-CORE-{:02d}", "SRV-APP-{:02d}", "DB-ORA-{:02d}", "PRN-{:03d}", "FW-{:02d}"]
HOUR_WEIGHTS = np.array([1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 14, 8, 12, 18, 18, 16, 12, 8, 6, 4, 3, 2, 1], float)
FIELDS = ["external_id", "kind", "priority", "status", "service", "category", "summary", "configuration_item",
          "created", "first_response", "resolved", "closed", "pauses"]
ISO = "%Y-%m-%dT%H:%M:%S%z"


def _iso(seconds, zone):
    return datetime.fromtimestamp(int(seconds), UTC).astimezone(zone).strftime(ISO)


def _pick(rng, mix, n):
    keys = list(mix)
    weights = np.array([mix[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=weights / weights.sum())]


def generate_tickets(contract, tickets: int, seed: int, months: int = 3, end: datetime | None = None,
                     prefix: str | None = None):
    """Yield import records (dicts of text) for `tickets` tickets over the `months` months before `end`."""
    zone = sla.contract_zone(contract)
    spec = sla.contract_calendar(contract).current_version().to_spec()
    tier = contract.tier_in_force()
    rng = np.random.default_rng(seed)
    end = (end or datetime.now(UTC)).replace(second=0, microsecond=0)
    start = end - timedelta(days=round(30.44 * months))
    end_s, start_s = int(end.timestamp()), int(start.timestamp())
    clock = businesstime.BusinessClock.from_spec(spec, start.astimezone(zone).date() - timedelta(days=1),
                                                 end.astimezone(zone).date() + timedelta(days=120))
    n = int(tickets)
    created = _arrivals(rng, clock, start_s, end_s, n, zone)
    order = np.argsort(created, kind="stable")
    created = created[order]
    priority = _pick(rng, PRIORITY_MIX, n)
    response_target, resolution_target = target_arrays(tier, priority)
    response_target = np.where(response_target < 0, 3600, response_target)
    resolution_target = np.where(resolution_target < 0, 8 * 3600, resolution_target)
    # Most within target, a tail beyond it: lognormal fractions of the target (about 5-8 % breach).
    response_business = np.maximum(60, (response_target * rng.lognormal(-1.0, 0.55, n))).astype(np.int64)
    resolution_business = np.maximum(response_business + 300,
                                     (resolution_target * rng.lognormal(-0.9, 0.5, n))).astype(np.int64)
    responded = _add(clock, created, response_business)
    paused = rng.random(n) < 0.1
    split = rng.uniform(0.2, 0.7, n)
    pause_start = _add(clock, created, (resolution_business * split).astype(np.int64))
    pause_start = np.maximum(pause_start, responded)
    pause_end = pause_start + rng.integers(3600, 2 * 86400, n)
    resolved = np.where(paused, _add(clock, np.minimum(pause_end, clock.range_end - 1),
                                     (resolution_business * (1 - split)).astype(np.int64)),
                        _add(clock, created, resolution_business))
    closed = resolved + rng.integers(3600, 3 * 86400, n)
    kind = _pick(rng, KIND_MIX, n)
    category = _pick(rng, CATEGORIES, n)
    ci_kind = rng.integers(0, len(CIS), n)
    ci_number = rng.integers(1, 200, n)
    prefix = prefix or (contract.customer.code.upper() if contract.customer_id else "T")
    service = tier.service.code
    for i in range(n):
        row = {"external_id": f"{prefix}-{seed}-{i + 1:07d}", "kind": kind[i], "priority": priority[i],
               "category": category[i], "summary": SUMMARIES[category[i]],
               "configuration_item": CIS[ci_kind[i]].format(ci_number[i]),
               "created": _iso(created[i], zone), "first_response": "", "resolved": "", "closed": "", "pauses": "",
               "status": "new", "service": service}
        if responded[i] <= end_s:
            row["first_response"] = _iso(responded[i], zone)
            row["status"] = "in_progress"
        if paused[i] and pause_start[i] <= end_s:
            still = pause_end[i] > end_s
            row["pauses"] = f"{_iso(pause_start[i], zone)}/{'' if still else _iso(pause_end[i], zone)}"
            if still:
                row["status"] = "pending"
        if resolved[i] <= end_s and not (paused[i] and pause_end[i] > end_s) and row["first_response"]:
            row["resolved"] = _iso(resolved[i], zone)
            row["status"] = "resolved"
            if closed[i] <= end_s:
                row["closed"] = _iso(closed[i], zone)
                row["status"] = "closed"
        yield row


def _add(clock, start, seconds):
    """clock.add, saturating at the clock's end (those tickets simply stay open)."""
    fits = clock.position(start) + seconds <= clock.total_seconds
    out = np.full(start.shape, clock.range_end, dtype=np.int64)
    out[fits] = clock.add(start[fits], seconds[fits])
    return out


def _arrivals(rng, clock, start_s, end_s, n, zone):
    """85 % uniformly over business time (the calendar's open hours), 15 % over the clock, weighted by hour."""
    in_hours = rng.random(n) < 0.85
    lo, hi = int(clock.position(np.array([start_s]))[0]), int(clock.position(np.array([end_s]))[0])
    out = np.empty(n, dtype=np.int64)
    k = int(in_hours.sum())
    if hi > lo and k:
        out[in_hours] = clock.add(np.full(k, start_s), rng.integers(0, hi - lo, k))
    else:
        in_hours[:] = False
    m = n - int(in_hours.sum())
    days = rng.integers(0, max(1, (end_s - start_s) // 86400), m)
    hours = rng.choice(24, size=m, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    offset = int(datetime.fromtimestamp(start_s, zone).utcoffset().total_seconds())
    midnight = start_s - (start_s + offset) % 86400
    out[~in_hours] = np.clip(midnight + days * 86400 + hours * 3600 + rng.integers(0, 3600, m), start_s, end_s - 60)
    return out - out % 60


def write_csv(path, records):
    """Write generated records as an import CSV (UTF-8 with BOM, Excel-friendly); returns the row count."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(record)
            count += 1
    return count


def outage_plan(contract, seed: int, months: int = 3, end: datetime | None = None):
    """(outages, windows) as dicts: per month an unplanned outage or two and one announced maintenance window
    with its planned outage inside; one maintenance in the whole range was not announced in advance."""
    zone = sla.contract_zone(contract)
    rng = np.random.default_rng(seed + 7919)
    end = (end or datetime.now(UTC)).replace(second=0, microsecond=0)
    outages, windows = [], []
    for month in range(months):
        base = end - timedelta(days=round(30.44 * (months - month)))
        for _ in range(int(rng.integers(1, 3))):
            start = base + timedelta(days=int(rng.integers(0, 28)), hours=int(rng.integers(0, 24)))
            length = timedelta(minutes=int(rng.integers(10, 180)))
            if start + length < end:
                outages.append({"start": start, "end": start + length, "planned": False, "announced_at": None,
                                "description": "计划外中断：" + str(rng.choice(["核心交换机故障", "存储链路中断",
                                                                               "应用服务异常", "机房电力波动"]))})
        saturday = (base + timedelta(days=int(rng.integers(0, 21)))).astimezone(zone)
        saturday = (saturday + timedelta(days=(5 - saturday.weekday()) % 7)).replace(hour=22, minute=0, second=0,
                                                                                     microsecond=0)
        window_end = saturday + timedelta(hours=4)
        if window_end >= end:
            continue
        announced = saturday - timedelta(days=3) if month != 1 else None
        windows.append({"start": saturday, "end": window_end, "announced_at": announced,
                        "description": "月度例行维护"})
        outages.append({"start": saturday + timedelta(minutes=30), "end": saturday + timedelta(hours=2),
                        "planned": True, "announced_at": announced,
                        "description": "计划内维护：系统补丁升级" + ("" if announced else "（未提前通知）")})
    return outages, windows
