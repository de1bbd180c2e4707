"""Issue 3 in a real browser: the service catalogue and a tier, the 5x8 Beijing calendar with holidays, 调休 and
the missing-year warning, a CSV import of 20 tickets (background job with progress), a rejected file that
writes nothing, and the SLA dashboard with its ECharts charts and figures.

Screenshots taken here illustrate docs/guide/03-service-levels.md.
"""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest

from .conftest import login, shot

# The import job runs inside the upload request (docs/import.md: the tests use the immediate backend).
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

CONTRACT_TITLE = "宁波第一医院 桌面运维服务合同（银牌 5x8）"  # tier 桌面运维 · 银, calendar 5x8 北京
MONTH = "2026-10"
# The documented Chinese column names (docs/import.md "Column mapping").
HEADER = ["工单号", "优先级", "类型", "创建时间", "首次响应时间", "解决时间", "分类", "标题", "挂起时段"]
FMT = "%Y-%m-%d %H:%M"
# Working days of October 2026 in the 5x8 Beijing calendar: after the National Day holiday (1–7 October),
# Saturday 10 October is an adjusted workday (调休).
DAYS = [8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30, 9, 13]
PRIORITIES = ["P1", "P2", "P3", "P4", "P3"]
CATEGORIES = ["硬件故障", "网络故障", "账号权限", "软件问题", "打印外设"]
# (response, resolution) minutes after creation, wall clock; a few are late on purpose.
TIMES = [(10, 120), (20, 300), (45, 900), (90, 1500), (300, 4000)]


def ticket_rows():
    rows = []
    for i, day in enumerate(DAYS):
        created = datetime(2026, 10, day, 9 + i % 7, (i * 7) % 60)
        response, resolution = TIMES[i % len(TIMES)]
        row = [f"ND-{i + 1:04d}", PRIORITIES[i % len(PRIORITIES)], "事件" if i % 4 else "服务请求",
               created.strftime(FMT), (created + timedelta(minutes=response)).strftime(FMT),
               (created + timedelta(minutes=resolution)).strftime(FMT), CATEGORIES[i % len(CATEGORIES)],
               f"{CATEGORIES[i % len(CATEGORIES)]}：第 {i + 1} 号工单", ""]
        if i % 6 == 2:  # waiting on the customer for an hour
            start = created + timedelta(minutes=response + 10)
            row[-1] = f"{start.strftime(FMT)}/{(start + timedelta(hours=1)).strftime(FMT)}"
        rows.append(row)
    return rows


def csv_file(name, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": out.getvalue().encode("utf-8")}


def upload(page, file):
    page.set_input_files("#id_file", files=[file])
    page.fill("#id_external_system", "itsm")
    page.click("#import-submit")
    job = page.locator("#import-jobs .import-job", has_text=file["name"]).first
    job.wait_for()
    page.wait_for_function(
        "name => [...document.querySelectorAll('#import-jobs .import-job')].some("
        "el => el.textContent.includes(name) && ['done', 'rejected', 'failed'].includes(el.dataset.status))",
        arg=file["name"])
    return job


def test_catalogue_calendar_import_and_sla_dashboard(page, live_server, demo):
    from catalog.models import Calendar, ServiceTier
    from contracts.models import Contract
    from servicedata.models import ImportJob, Ticket

    login(page, live_server, "svc_manager")

    # The service catalogue and one tier: the SLA template with its targets per priority.
    page.goto(f"{live_server.url}/catalog/service/")
    assert page.locator("#object-table", has_text="桌面运维").count() == 1
    shot(page, "service-levels-01-catalogue")
    tier = ServiceTier.objects.get(service__code="desktop", name="银", status="approved")
    page.goto(f"{live_server.url}{tier.get_absolute_url()}")
    targets = page.locator("#priority-targets tbody tr")
    assert targets.count() == 4
    assert page.locator("#priority-targets tr[data-priority='P1']").inner_text().count("95") == 1
    shot(page, "service-levels-02-tier")

    # The 5x8 Beijing calendar: 2026 with National Day and its 调休 Saturday; 2027 has no holiday data yet.
    calendar = Calendar.objects.get(name="5x8 北京")
    page.goto(f"{live_server.url}{calendar.get_absolute_url()}?year=2026")
    assert page.locator("#month-grid td.day-holiday[data-date='2026-10-01']").count() == 1
    assert page.locator("#month-grid td.day-workday[data-date='2026-10-10']").count() == 1
    assert page.locator("#year-days tr.day-workday", has_text="2026-10-10").count() == 1
    assert page.locator("#holiday-warning").is_visible() and "2027" in page.locator("#holiday-warning").inner_text()
    assert page.locator("#year-missing").count() == 0
    assert page.locator("#calendar-versions tbody tr").count() >= 1
    shot(page, "service-levels-03-calendar")
    page.click("#next-year")
    page.wait_for_url(re.compile(r"year=2027"))
    assert page.locator("#year-missing").is_visible()
    shot(page, "service-levels-04-calendar-missing-year", full_page=False)

    # The contract's service data page: import 20 tickets from a CSV file with Chinese column names.
    contract = Contract.objects.filter(title=CONTRACT_TITLE).order_by("-version").first()
    page.goto(f"{live_server.url}/servicedata/contract/{contract.pk}/")
    assert page.locator("#no-imports").is_visible()
    job = upload(page, csv_file("2026-10-工单.csv", ticket_rows()))
    assert job.get_attribute("data-status") == "done", job.inner_text()
    assert job.locator("progress.import-progress").get_attribute("value") == "100"
    assert "20" in job.locator(".import-counts").inner_text()
    assert Ticket.objects.filter(contract=contract).count() == 20
    assert not Ticket.objects.filter(contract=contract, computed_at__isnull=True).exists(), "clocks measured"
    page.reload()
    assert page.locator("#object-table tbody tr").count() == 20
    assert page.locator("#object-table tbody tr", has_text="ND-0001").count() == 1
    shot(page, "service-levels-05-import-done")

    # A file with a bad row: the report names row and field, and nothing is written.
    bad = ticket_rows()[:3]
    bad = [[f"BAD-{i}", *row[1:]] for i, row in enumerate(bad)]
    bad[1][5] = "2026-10-01 08:00"  # resolved before created, on line 3 of the file (header = 1)
    bad[2][1] = "P9"  # unknown priority, line 4
    job = upload(page, csv_file("有错误的工单.csv", bad))
    assert job.get_attribute("data-status") == "rejected", job.inner_text()
    errors = job.locator("table.import-errors tbody tr")
    assert errors.count() == 2, job.inner_text()
    assert errors.nth(0).locator("td").nth(0).inner_text().strip() == "3"
    assert "resolved" in errors.nth(0).locator("td").nth(1).inner_text()
    assert errors.nth(1).locator("td").nth(0).inner_text().strip() == "4"
    assert "priority" in errors.nth(1).locator("td").nth(1).inner_text()
    assert Ticket.objects.filter(contract=contract).count() == 20
    assert not Ticket.objects.filter(external_id__startswith="BAD-").exists()
    assert ImportJob.objects.filter(contract=contract, status="rejected").count() == 1
    shot(page, "service-levels-06-import-rejected")

    # The SLA dashboard for October 2026: charts drawn, figures per priority with achievement %.
    page.click("#sla-dashboard-link")
    page.wait_for_url(re.compile(rf"/servicedata/contract/{contract.pk}/sla/"))
    page.goto(f"{live_server.url}/servicedata/contract/{contract.pk}/sla/?month={MONTH}")
    assert page.locator("#dashboard-month").inner_text().strip() == MONTH
    for chart in ("#chart-priority", "#chart-availability", "#chart-trend"):
        page.wait_for_selector(f"{chart} canvas")
        assert page.locator(f"{chart} canvas").count() >= 1, chart
    assert re.fullmatch(r"\d+(\.\d+)?%", page.locator("#response-overall").inner_text().strip())
    assert re.fullmatch(r"\d+(\.\d+)?%", page.locator("#resolution-overall").inner_text().strip())
    assert page.locator("#volume").inner_text().strip().startswith("20")
    p1 = page.locator("#priority-table tr[data-priority='P1'] td")
    assert re.fullmatch(r"\d+(\.\d+)?", p1.nth(1).inner_text().strip()), p1.all_inner_texts()
    page.wait_for_timeout(600)  # ECharts' entry animation
    shot(page, "service-levels-07-sla-dashboard")
