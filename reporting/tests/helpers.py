"""A seeded month of service data for the nbhospital contract, and report helpers."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core import records, workflow
from core.context import acting_as
from reporting.models import MonthlyServiceReport, ReportProfile
from reporting.services import monthly
from servicedata.models import MaintenanceWindow, Outage
from servicedata.tests.helpers import import_records

BJ = ZoneInfo("Asia/Shanghai")
FMT = "%Y-%m-%d %H:%M"


def at(day, hh, mm=0, month=3):
    return datetime(2026, month, day, hh, mm, tzinfo=BJ)


def seeded_tickets(seed=6, count=60):
    """Tickets created in March 2026 (whole minutes), some late, some paused, some still open."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        created = at(2, 8) + timedelta(minutes=rng.randrange(0, 26 * 24 * 60))
        priority = rng.choice(["P1", "P1", "P2", "P2", "P3", "P4"])
        category = rng.choice(["网络", "桌面", "打印机", "账号"])
        row = {"external_id": f"R{i:03d}", "priority": priority, "category": category,
               "created": created.strftime(FMT), "summary": f"工单 {i}"}
        roll = rng.random()
        if roll < 0.9:
            response = created + timedelta(minutes=rng.choice([5, 20, 45, 90, 300, 1500]))
            row["first_response"] = response.strftime(FMT)
            if roll < 0.75:
                resolved = response + timedelta(minutes=rng.choice([30, 200, 600, 2000, 5000]))
                row["resolved"] = resolved.strftime(FMT)
                if rng.random() < 0.2:
                    pause_start = response + timedelta(minutes=10)
                    pause_end = min(resolved, pause_start + timedelta(minutes=rng.choice([60, 600])))
                    row["pauses"] = f"{pause_start.strftime(FMT)}/{pause_end.strftime(FMT)}"
        rows.append(row)
    return rows


OUTAGES = [  # start, end, planned, announced_at
    (at(3, 10), at(3, 11), False, None),
    (at(3, 20), at(3, 22), False, None),
    (at(11, 16, 30), at(11, 17, 30), True, at(9, 10)),
    (at(19, 14), at(19, 15), True, None),
    (at(25, 9, 30), at(25, 10, 30), True, at(20, 10)),
]
WINDOWS = [(at(11, 16), at(11, 18), at(9, 10)), (at(19, 14), at(19, 16), None), (at(25, 9), at(25, 10), at(20, 10))]


def load_month(contract, user):
    result = import_records(contract, user, seeded_tickets(), external_system="itsm")
    assert not result.rejected, result.errors
    with acting_as(user):
        for start, end, planned, announced in OUTAGES:
            records.create(Outage(contract=contract, start=start, end=end, planned=planned, announced_at=announced),
                           user)
        for start, end, announced in WINDOWS:
            records.create(MaintenanceWindow(contract=contract, start=start, end=end, announced_at=announced), user)


def make_profile(contract, demo, recipients=("it-director@nbhospital.example",)):
    pm, manager = demo["pm"], demo["svc_manager"]
    with acting_as(pm):
        profile = records.create(ReportProfile(title="宁波第一医院 报告约定", contract=contract,
                                               owner_department=pm.department, recipients=list(recipients)), pm)
        workflow.fire(profile, "submit", pm)
    with acting_as(manager):
        workflow.fire(profile, "approve", manager)
    return profile


def generated_report(contract, demo, year=2026, month=3):
    pm = demo["pm"]
    with acting_as(pm):
        report = records.create(MonthlyServiceReport(title="宁波第一医院 服务月报 2026-03", contract=contract,
                                                     year=year, month=month, owner_department=pm.department), pm)
        report = monthly.start_generation(report, pm)
    report.refresh_from_db()
    return report


def analyse_all(report, user):
    from core import audit

    with acting_as(user):
        for analysis in report.analyses.all():
            before = audit.snapshot(analysis)
            analysis.analysis = "夜间值班人手不足导致响应延迟"
            analysis.improvement = "增加夜间值班工程师"
            records.update(analysis, user, before)


def approve(report, demo):
    pm, manager = demo["pm"], demo["svc_manager"]
    analyse_all(report, pm)
    with acting_as(pm):
        workflow.fire(report, "submit", pm)
    with acting_as(manager):
        workflow.fire(report, "approve", manager)
    report.refresh_from_db()
    return report
