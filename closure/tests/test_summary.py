"""The project summary report 项目总结报告 (SP-4.5.2): figures from the data, frozen on approval, pages, API, exports,
work queue and the closure checklist item.

The headline test recomputes the summary's SLA figures for the whole contract period straight from the raw tickets
and outages, minute by minute with plain loops (business hours of the hospital contract: Monday–Friday 09:00–12:00
and 13:00–18:00 Asia/Shanghai, public holidays and adjusted workdays from `chinese_calendar`), not through the SLA
engine, and compares every figure.
"""

import io
import random
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from closure.checklist import items as checklist_items
from closure.exports.summary import cost_table
from closure.models import Lesson, SummaryReport
from closure.services import summary
from closure.summary_figures import parse_target
from core import audit, records, report_sections, workflow
from core.choices import RecordStatus
from core.context import acting_as
from core.exporting import export_record
from core.workflow import WorkflowError
from core.worklist import items_for
from projects.choices import TaskState
from projects.models import Project, TaskProgress
from servicedata.models import MaintenanceWindow, Outage, Ticket
from servicedata.sla import recompute
from servicedata.tests.brute_force import BJ, MINUTE, business_minutes, due_instant, is_business_minute
from servicedata.tests.helpers import import_records

FMT = "%Y-%m-%d %H:%M"


# ---- the seeded service data: three months of tickets and outages of the hospital contract -------------

def at(month, day, hh, mm=0):
    return datetime(2026, month, day, hh, mm, tzinfo=BJ)


def seeded_tickets(seed=12, per_month=25):
    """Tickets created March–May 2026 (whole minutes), some late, some paused, some still open (breached)."""
    rng = random.Random(seed)
    rows = []
    for month in (3, 4, 5):
        for i in range(per_month):
            created = at(month, 2, 8) + timedelta(minutes=rng.randrange(0, 26 * 24 * 60))
            row = {"external_id": f"S{month}{i:03d}", "priority": rng.choice(["P1", "P2", "P2", "P3", "P4"]),
                   "category": rng.choice(["网络", "桌面", "打印机", "账号", ""]), "created": created.strftime(FMT),
                   "summary": f"工单 {month}-{i}"}
            roll = rng.random()
            if roll < 0.9:
                response = created + timedelta(minutes=rng.choice([5, 20, 45, 90, 300, 1500]))
                row["first_response"] = response.strftime(FMT)
                if roll < 0.78:
                    resolved = response + timedelta(minutes=rng.choice([30, 200, 600, 2000, 5000]))
                    row["resolved"] = resolved.strftime(FMT)
                    if rng.random() < 0.25:
                        pause_start = response + timedelta(minutes=10)
                        pause_end = min(resolved, pause_start + timedelta(minutes=rng.choice([60, 600])))
                        row["pauses"] = f"{pause_start.strftime(FMT)}/{pause_end.strftime(FMT)}"
            rows.append(row)
    return rows


OUTAGES = [  # start, end, planned, announced_at
    (at(3, 3, 10), at(3, 3, 11), False, None),
    (at(3, 17, 20), at(3, 17, 22), False, None),
    (at(4, 9, 16, 30), at(4, 9, 17, 30), True, at(4, 7, 10)),  # announced, inside an announced window: excused
    (at(4, 21, 14), at(4, 21, 15), True, None),  # planned but never announced: downtime
    (at(5, 12, 9, 30), at(5, 12, 11, 15), False, None),
]
WINDOWS = [(at(4, 9, 16), at(4, 9, 18), at(4, 7, 10)), (at(4, 21, 14), at(4, 21, 16), None)]


@pytest.fixture
def project(demo):
    return Project.objects.select_related("contract").get(contract__customer__code="nbhospital")


@pytest.fixture
def loaded(project, demo):
    contract, staff = project.contract, demo["svc_staff"]
    assert not Ticket.objects.filter(contract__number=contract.number).exists()
    result = import_records(contract, staff, seeded_tickets(), external_system="itsm")
    assert not result.rejected, result.errors
    with acting_as(staff):
        for start, end, planned, announced in OUTAGES:
            records.create(Outage(contract=contract, start=start, end=end, planned=planned, announced_at=announced),
                           staff)
        for start, end, announced in WINDOWS:
            records.create(MaintenanceWindow(contract=contract, start=start, end=end, announced_at=announced), staff)
    return project


def drafted(project, user):
    with acting_as(user):
        return summary.create_and_generate(project, user)


def approved(report, demo):
    with acting_as(demo["pm"]):
        workflow.fire(report, "submit", demo["pm"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(report, "approve", demo["svc_manager"])
    report.refresh_from_db()
    return report


# ---- brute force, straight from the raw rows ------------------------------------------------------

def month_of(instant):
    local = instant.astimezone(BJ)
    return local.year, local.month


def month_start(year, month):
    return datetime(year, month, 1, tzinfo=BJ)


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def expected_clocks(tickets, targets, start, as_of):
    """{(clock, priority or "", month or None): [within, counted]} of tickets decided in [start, as_of)."""
    result = {}
    for ticket in tickets:
        pauses = [(p.start, p.end) for p in ticket.pauses.all()]
        target = targets[ticket.priority]
        for clock, done, minutes, clock_pauses in (
                ("response", ticket.first_response, target.response_minutes, ()),
                ("resolution", ticket.resolved, target.resolution_minutes, pauses)):
            met = done is not None and business_minutes(ticket.created, done, clock_pauses) <= minutes
            decided = done if met else due_instant(ticket.created, minutes, clock_pauses)
            if not start <= decided < as_of:
                continue
            for key in ((clock, ticket.priority, None), (clock, "", None), (clock, "", month_of(decided))):
                counts = result.setdefault(key, [0, 0])
                counts[0] += met
                counts[1] += 1
    return result


def excused(outage, windows):
    announced = [(w.start, w.end) for w in windows if w.announced_at and w.announced_at <= w.start]
    return outage.planned and outage.announced_at is not None and outage.announced_at <= outage.start and \
        any(ws <= outage.start and outage.end <= we for ws, we in announced)


def expected_availability(months, outages, windows):
    """(agreed, down) business minutes of the months with service data; downtime = outages not excused."""
    failures = [o for o in outages if not excused(o, windows)]
    agreed = down = 0
    for year, month in sorted(months):
        t, end = month_start(year, month), month_start(*next_month(year, month))
        while t < end:
            if is_business_minute(t):
                agreed += 1
                down += any(o.start <= t < o.end for o in failures)
            t += MINUTE
    return agreed, down


def test_summary_figures_equal_an_independent_count_from_the_raw_tickets(loaded, demo):
    """Every SLA figure of the summary equals the count made here from the raw tickets of the whole contract period."""
    project = loaded
    contract = project.contract
    report = drafted(project, demo["pm"])
    data = report.snapshot
    start = datetime(contract.start_date.year, contract.start_date.month, contract.start_date.day, tzinfo=BJ)
    as_of = datetime.fromisoformat(data["period"]["as_of"])
    assert as_of <= timezone.now() and data["period"]["start"] == start.isoformat()

    tickets = list(Ticket.objects.filter(contract__number=contract.number).prefetch_related("pauses"))
    assert len(tickets) == 75
    targets = {t.priority: t for t in contract.service_tier.priority_targets.all()}
    assert {p: float(t.target_percent) for p, t in targets.items()} == \
        {p: t.target_percent for p, t in contract.sla_for(as_of.date()).targets().items()}  # no signed SLA changes it
    expected = expected_clocks(tickets, targets, start, as_of)

    # Per priority and overall, over the whole contract period.
    by_priority = {row["priority"]: row for row in data["sla"]["priorities"]}
    checked = 0
    for clock in ("response", "resolution"):
        for priority in ("P1", "P2", "P3", "P4", ""):
            figure = by_priority[priority][clock] if priority else data["sla"]["overall"][clock]
            within, counted = expected.get((clock, priority, None), [0, 0])
            assert (figure["within"], figure["counted"]) == (within, counted), (clock, priority)
            if counted:
                checked += 1
                assert figure["percent"] == pytest.approx(round(100 * within / counted, 2))
            if priority:
                target = float(targets[priority].target_percent)
                assert figure["target"] == target
                assert figure["met"] == ((100 * within / counted >= target) if counted else None)
    assert checked >= 8

    # Per month: tickets decided in each month; months after the data are gaps, not 0 or 100 %.
    data_months = {month_of(t.created) for t in tickets} | {m for (_c, p, m) in expected if m} | \
        {month_of(o.start) for o in Outage.objects.filter(contract__number=contract.number)}
    rows = {row["label"]: row for row in data["sla"]["months"]}
    assert len(rows) == 12 and list(rows)[0] == "2026-03" and list(rows)[-1] == "2027-02"
    for label, row in rows.items():
        ym = (int(label[:4]), int(label[5:]))
        assert row["measured"] == (month_start(*ym) < as_of)
        assert row["has_data"] == (ym in data_months), label
        if not row["has_data"]:
            assert row["availability"] is None and data["sla"]["trend"][list(rows).index(label)]["response"] is None
            continue
        for clock in ("response", "resolution"):
            within, counted = expected.get((clock, "", ym), [0, 0])
            assert (row[clock]["within"], row[clock]["counted"]) == (within, counted), (label, clock)
        assert row["volume"] == sum(1 for t in tickets if month_of(t.created) == ym)

    # Availability, MTTR and MTBF over the months with service data.
    outages = list(Outage.objects.filter(contract__number=contract.number))
    windows = list(MaintenanceWindow.objects.filter(contract__number=contract.number))
    agreed, down = expected_availability(data_months, outages, windows)
    availability = data["sla"]["availability"]
    assert availability["agreed_seconds"] == agreed * 60 and availability["downtime_seconds"] == down * 60
    assert availability["actual"] == pytest.approx(round(100 * (agreed - down) / agreed, 3))
    assert availability["met"] == (100 * (agreed - down) / agreed >= float(contract.service_tier.availability_target))
    failures = [o for o in outages if not excused(o, windows)]
    failure_seconds = sum((o.end - o.start).total_seconds() for o in failures)
    span = sum((month_start(*next_month(*ym)) - month_start(*ym)).total_seconds() for ym in data_months)
    assert data["sla"]["outages"]["count"] == len(failures) == 4
    assert data["sla"]["outages"]["mttr_seconds"] == pytest.approx(round(failure_seconds / len(failures)))
    assert data["sla"]["outages"]["mtbf_seconds"] == pytest.approx(round((span - failure_seconds) / len(failures)))

    # Volume and major incidents over the period.
    service = data["service"]
    assert service["volume"]["total"] == len(tickets)
    assert service["volume"]["by_priority"] == {p: sum(1 for t in tickets if t.priority == p)
                                                for p in ("P1", "P2", "P3", "P4")}
    p1 = sorted((t for t in tickets if t.priority == "P1"), key=lambda t: t.created)
    assert service["major_incidents"]["count"] == len(p1) > 0
    assert [row["id"] for row in service["major_incidents"]["rows"]] == [t.external_id for t in p1]
    assert service["outage_list"]["count"] == len(outages) and service["outage_list"]["unplanned"] == 3
    assert sum(c["count"] for c in service["categories"]) == len(tickets)

    # The P1 resolution objective of the approved project plan reads the P1 resolution figure.
    objective = next(row for row in data["objectives"]["rows"] if row["metric"] == "resolution")
    within, counted = expected[("resolution", "P1", None)]
    assert objective["priority"] == "P1"
    assert objective["result"] == pytest.approx(round(100 * within / counted, 2))
    assert objective["met"] == (100 * within / counted >= 95)


def test_approval_freezes_the_figures_and_regeneration_makes_a_new_version(loaded, demo):
    project, pm = loaded, demo["pm"]
    report = approved(drafted(project, pm), demo)
    frozen = report.snapshot
    pdf = export_record(report, "pdf")[0]
    # The service data changes afterwards: every ticket answered at once.
    for ticket in Ticket.objects.filter(contract__number=project.contract.number):
        Ticket.objects.filter(pk=ticket.pk).update(first_response=ticket.created + MINUTE, computed_at=None)
    with acting_as(demo["svc_manager"]):
        recompute(project.contract, demo["svc_manager"], comment="test")
    report.refresh_from_db()
    assert report.snapshot == frozen and report.status == RecordStatus.APPROVED
    assert export_record(report, "pdf")[0] == pdf  # the approved copy is what it was

    with acting_as(pm):
        with pytest.raises(ValidationError, match="new version 2"):
            summary.generate(report, pm)
        second = summary.generate(report, pm, reason="补录工单后重新统计")
    report.refresh_from_db()
    assert (second.version, second.number, second.status) == (2, report.number, RecordStatus.DRAFT)
    assert second.change_note == "补录工单后重新统计"
    assert report.snapshot == frozen
    assert second.snapshot["sla"]["overall"]["response"]["percent"] == 100.0


def test_workflow_needs_figures_and_a_manager_who_is_not_the_author(project, demo):
    pm, manager = demo["pm"], demo["svc_manager"]
    with acting_as(pm):
        report = records.create(SummaryReport(project=project, title="总结", owner_department=pm.department), pm)
        with pytest.raises(WorkflowError, match="Generate"):
            workflow.fire(report, "submit", pm)
        with pytest.raises(ValidationError, match="summary report already"):
            records.create(SummaryReport(project=project, title="第二份", owner_department=pm.department), pm)
        report = summary.generate(report, pm)
        workflow.fire(report, "submit", pm)
    with pytest.raises(PermissionDenied):  # the PM may not approve
        workflow.fire(report, "approve", pm)
    with pytest.raises(ValidationError, match="in review cannot be regenerated"):
        summary.generate(report, pm)
    with acting_as(manager):
        workflow.fire(report, "approve", manager)
    report.refresh_from_db()
    assert report.status == RecordStatus.APPROVED and report.approved_at is not None
    with pytest.raises(ValidationError):  # lessons are part of the approved report
        records.create(Lesson(report=report, description="late"), pm)


def test_the_checklist_item_is_open_until_the_report_is_approved_and_never_waived(project, demo):
    def item():
        return next(i for i in checklist_items(project) if i.key == "summary_report")

    first = item()
    assert not first.done and not first.may_dispose and first.url.endswith(f"?project={project.pk}")
    report = drafted(project, demo["pm"])
    assert not item().done and item().url == report.get_absolute_url() and report.number in item().label
    approved(report, demo)
    assert item().done


def test_work_queue_asks_the_pm_for_the_report_when_the_project_ends(project, demo):
    pm = demo["pm"]

    def owed(today):
        return [i for i in items_for(pm, today) if i.key == f"summary_report:project={project.pk}"]

    assert not owed(project.end_date - timedelta(days=60))
    near = owed(project.end_date - timedelta(days=20))
    assert near and near[0].url == f"{reverse('closure:summaryreport_add')}?project={project.pk}"
    assert near[0].due == project.end_date
    assert not [i for i in items_for(demo["member"], project.end_date) if i.key.startswith("summary_report:")]
    drafted(project, pm)
    assert not owed(project.end_date + timedelta(days=1))  # written: core lists the draft to finish instead


def test_scope_compares_the_baseline_with_the_recorded_progress(demo):
    from contracts.demo import CHAIN_TITLE

    project = Project.objects.get(contract__title=CHAIN_TITLE)
    pm = demo["pm"]
    baseline = project.baseline()
    leaves = [t for t in baseline.tasks.all() if not t.children.exists()]
    done, cancelled = leaves[0], leaves[1]
    with acting_as(pm):
        for task, state, end, note in ((done, TaskState.DONE, done.planned_end + timedelta(days=3), ""),
                                       (cancelled, TaskState.CANCELLED, None, "客户取消")):
            row = TaskProgress.objects.filter(project=project, task_key=task.key).first()
            if row is None:
                records.create(TaskProgress(project=project, task_key=task.key, state=state,
                                            actual_start=task.planned_start, actual_end=end, note=note,
                                            recorded_by=pm), pm)
            else:
                before = audit.snapshot(row)
                row.state, row.actual_start, row.actual_end, row.note = state, task.planned_start, end, note
                records.update(row, pm, before)
    report = SummaryReport.objects.filter(project=project).order_by("-version").first()
    with acting_as(pm):
        report = summary.generate(report, pm, reason="进度更新") if report is not None else drafted(project, pm)
    scope = report.snapshot["scope"]
    rows = {r["name"]: r for r in scope["tasks"]}
    assert rows[done.name]["finish_variance"] == 3 and rows[done.name]["state"] == TaskState.DONE
    assert rows[cancelled.name]["state"] == TaskState.CANCELLED and rows[cancelled.name]["note"] == "客户取消"
    assert scope["baseline"] == baseline.number and scope["baseline_version"] == baseline.version
    assert scope["counts"]["tasks"] == len(leaves) and scope["counts"]["late"] >= 1
    assert scope["counts"]["cancelled"] >= 1
    assert scope["first_baseline"]["version"] == 1
    changes = report.snapshot["changes"]
    assert changes["approved"] >= 1 and all(c["number"] for c in changes["rows"])


def test_registered_sections_are_frozen_into_the_report(project, demo):
    def problems(scope):
        assert scope.project == project and scope.contracts == (project.contract,)
        return report_sections.Section("problems", "问题管理", ["问题", "状态"], [["打印机驱动反复崩溃", "已关闭"]],
                                       note="共 1 个问题")

    report_sections.register(report_sections.SUMMARY, problems)
    try:
        report = drafted(project, demo["pm"])
    finally:
        report_sections.unregister(report_sections.SUMMARY, problems)
    assert {"key": "problems", "title": "问题管理", "columns": ["问题", "状态"],
            "rows": [["打印机驱动反复崩溃", "已关闭"]], "note": "共 1 个问题"} in report.snapshot["sections"]
    headings = [s.heading for s in report.export_sections("en")]
    assert "问题管理" in headings


def test_satisfaction_answers_meet_the_objective_and_unrecorded_cost_is_said_so(project, demo):
    from reporting.choices import SurveyOccasion
    from reporting.services import satisfaction

    report = drafted(project, demo["pm"])
    data = report.snapshot
    objective = next(row for row in data["objectives"]["rows"] if row["metric"] == "satisfaction")
    assert data["satisfaction"] == {"recorded": True, "count": 0, "average": None, "points": None,
                                    "by_month": data["satisfaction"]["by_month"]}
    assert (objective["result"], objective["met"]) == (None, None)  # no answer: not measured, never 0
    assert "No survey answer" in " ".join(s for section in report.export_sections("en") for s in section.paragraphs)

    contract, staff = project.contract, demo["svc_staff"]
    with acting_as(staff):  # answers given on paper, typed in by staff
        for score, name, month in ((5, "孙慧敏", 4), (4, "李强", 4), (4, "孙慧敏", 5)):
            satisfaction.record(score=score, occasion=SurveyOccasion.ACCEPTANCE, contract=contract, user=staff,
                                respondent_name=name, year=2026, month=month)
    with acting_as(demo["pm"]):
        report = summary.generate(report, demo["pm"])
    data = report.snapshot
    assert (data["satisfaction"]["count"], data["satisfaction"]["average"]) == (3, round(13 / 3, 2))
    assert data["satisfaction"]["points"] == round(13 / 3 * 20, 1)
    objective = next(row for row in data["objectives"]["rows"] if row["metric"] == "satisfaction")
    assert objective["result"] == round(13 / 3 * 20, 1) and objective["met"] is False  # 86.7 < 90 分
    months = {(m["year"], m["month"]): m for m in data["satisfaction"]["by_month"]}
    assert months[(2026, 4)]["count"] == 2 and months[(2026, 3)]["count"] == 0

    cost = data["cost"]
    assert cost["contract_value"] == str(project.contract.value)
    assert cost["actual_cost"] is None and cost["actual_effort_hours"] is None
    cost_rows = {row[0]: row[1] for row in cost_table(data).rows}
    assert cost_rows["Actual cost"] == "not recorded in ServPlan"


def test_parse_target():
    assert parse_target("≥ 95%") == ("≥", 95.0)
    assert parse_target("≥ 90 分") == ("≥", 90.0)
    assert parse_target("<= 4 h") == ("≤", 4.0)
    assert parse_target("99.5") == ("≥", 99.5)
    assert parse_target("客户书面确认") is None


# ---- pages, API, exports --------------------------------------------------------------------------

def test_pages_draft_from_the_data_and_show_the_figures(loaded, demo, client_for):
    project = loaded
    client = client_for("pm")
    add = client.get(f"{reverse('closure:summaryreport_add')}?project={project.pk}")
    assert add.status_code == 200 and project.name in add.content.decode()
    response = client.post(reverse("closure:summaryreport_add"), {
        "project": project.pk, "title": "", "owner_department": demo["pm"].department_id,
        "confidentiality": "internal", "conclusion": "按期交付", "handover": "移交客户信息科",
        "lessons-TOTAL_FORMS": "1", "lessons-INITIAL_FORMS": "0", "lessons-0-kind": "to_improve",
        "lessons-0-description": "割接窗口应提前确认", "lessons-0-recommendation": "列入立项风险"})
    assert response.status_code in (302, 204), response.content.decode()[-2000:]
    report = SummaryReport.objects.get(project=project)
    assert report.generated and report.title.startswith(project.name) and report.lessons.count() == 1
    page = client.get(report.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    for anchor in ('id="objectives-table"', 'id="priority-table"', 'id="months-table"', 'id="cost-table"',
                   'id="report-chart-data"', "割接窗口应提前确认", 'id="generate-button"'):
        assert anchor in html, anchor
    assert client_for("member").get(reverse("closure:summaryreport_list")).status_code == 200
    regenerate = client.post(reverse("closure:summaryreport_generate", args=[report.pk]))
    assert regenerate.status_code == 302
    assert client_for("sales").post(reverse("closure:summaryreport_generate", args=[report.pk])).status_code in \
        (403, 404)


def test_api_creates_a_generated_draft_and_regenerates(project, demo, client_for):
    client = client_for("pm")
    response = client.post("/api/closure/summary-reports/", {
        "project": project.pk, "title": "API 总结", "lessons": [{"kind": "went_well", "description": "团队稳定"}]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["snapshot"]["sla"]["months"] and body["generated_at"] and len(body["lessons"]) == 1
    generated = client.post(f"/api/closure/summary-reports/{body['id']}/generate/", {},
                            content_type="application/json")
    assert generated.status_code == 200 and generated.json()["version"] == 1
    assert client_for("sales").post(f"/api/closure/summary-reports/{body['id']}/generate/", {},
                                    content_type="application/json").status_code in (403, 404)


def test_exports_carry_the_figures_charts_and_signatures(loaded, demo):
    report = approved(drafted(loaded, demo["pm"]), demo)
    docx, content_type, name = export_record(report, "docx")
    assert name == f"{report.number}-V1.docx"
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode()
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(images) >= 2  # the priority and the monthly chart
    for text in ("SLA achievement over the contract period", "Scope delivered against the baseline work plan",
                 str(demo["svc_manager"]), str(demo["pm"]), report.number):
        assert text in xml, text
    pdf = export_record(report, "pdf")[0]
    assert pdf.startswith(b"%PDF")


def test_list_page_and_api_list_cost_the_same_queries_whatever_the_number_of_reports(project, demo, client_for,
                                                                                    queries_of):
    from projects.tests.helpers import opened_project

    client = client_for("svc_manager")
    drafted(project, demo["pm"])
    urls = (reverse("closure:summaryreport_list"), "/api/closure/summary-reports/")
    before = [queries_of(client, url) for url in urls]
    drafted(opened_project(demo), demo["pm"])
    assert SummaryReport.objects.count() >= 3
    assert [queries_of(client, url) for url in urls] == before


def test_the_report_is_due_early_once_every_task_is_done_or_cancelled(demo):
    from projects import services as project_services
    from projects.tests.helpers import approved_plan, approved_work_plan, opened_project

    pm = demo["pm"]
    project = opened_project(demo)
    approved_plan(project, demo)
    approved_work_plan(project, demo, tasks=3)
    early = project.end_date - timedelta(days=200)
    assert not summary.is_due(project, early)
    tasks = list(project.baseline().tasks.order_by("position"))
    with acting_as(pm):
        for task in tasks[:-1]:
            project_services.record_progress(project, task.key, pm, state=TaskState.DONE, percent_complete=100)
        assert not summary.is_due(project, early)
        project_services.record_progress(project, tasks[-1].key, pm, state=TaskState.CANCELLED, note="客户取消")
    assert summary.is_due(project, early)
    assert [i for i in items_for(pm, early) if i.key == f"summary_report:project={project.pk}"]
