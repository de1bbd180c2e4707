"""Issue 15, points 1 and 2 walked as the Service Department does: a customer's ServiceNow incident export read
through an approved import profile, previewed before anything is written, and its quality report.

Chinese: the service staff drafts a profile for the contract from the ServiceNow built-in (its columns, value maps
and rules prefilled), submits it; the Service Department manager approves it. The staff uploads the customer's
export as it comes (priorities "1 - Critical" … "5 - Planning", a close time before the resolve time): the header is
recognised, the preview shows the rows as they will be read, the planning row left out and the repaired row marked,
and nothing is written until confirmed. The import's quality report lists the excluded and repaired rows and
downloads as CSV. English, in a second browser: the quality report reads in English. The screenshots illustrate
guide chapter 6.
"""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from servicedata.choices import Anomaly
from servicedata.models import ImportJob, ImportProfile, QualityFinding, Ticket

from .conftest import click_and_wait, english_page, login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

HEADER = ["number", "short_description", "caller_id", "category", "priority", "state", "assignment_group",
          "opened_at", "work_start", "resolved_at", "closed_at"]
FMT = "%Y-%m-%d %H:%M:%S"


def servicenow_export():
    """Six incidents as ServiceNow exports them (source zone: the contract's), one planning, one closed before it was
    resolved."""
    start = (timezone.localtime() - timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)

    def at(hours):
        return (start + timedelta(hours=hours)).strftime(FMT)

    rows = [
        ["INC0020001", "邮件无法同步", "张伟", "software", "1 - Critical", "Closed", "Service Desk", at(0), at(0.3),
         at(4), at(30)],
        ["INC0020002", "VPN 每小时掉线", "李娜", "network", "2 - High", "Closed", "Network", at(1), at(2), at(24),
         at(23)],  # closed before resolved: repaired (the close time is taken as the resolve time)
        ["INC0020003", "三楼打印机卡纸", "王芳", "hardware", "3 - Moderate", "Resolved", "Desktop", at(2), at(3),
         at(6), ""],
        ["INC0020004", "规划文件服务器升级", "刘洋", "inquiry", "5 - Planning", "New", "Service Desk", at(3), "", "",
         ""],  # planning: not an incident the SLA measures, excluded
        ["INC0020005", "SAP 登录缓慢", "陈静", "software", "3 - Moderate", "In Progress", "Applications", at(4),
         at(5), "", ""],
        ["INC0020006", "显示器闪烁", "杨磊", "hardware", "4 - Low", "Closed", "Desktop", at(5), at(6), at(28),
         at(50)],
    ]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return {"name": "incident.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode("utf-8")}


def test_servicenow_export_through_an_approved_profile(page, browser, live_server, demo):
    contract = Contract.objects.signed().exclude(title=CHAIN_TITLE).filter(service_tier__isnull=False) \
        .order_by("pk").first()

    # 1. The service staff drafts the contract's profile from the ServiceNow built-in.
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}/servicedata/contract/{contract.pk}/")
    click_and_wait(page, "#new-profile-link")
    page.select_option("#from-builtin", "servicenow-table")
    assert page.locator("#from-builtin-contract").input_value() == str(contract.pk)
    shot(page, "import-profile-new", full_page=False)
    click_and_wait(page, "#from-builtin-submit")
    profile = ImportProfile.objects.filter(contract=contract, based_on="servicenow-table").get()
    assert page.locator("#id_columns-0-field").count() == 1
    rows = page.locator("#formset-values .formset-row")
    assert rows.count() >= profile.values.count()
    shot(page, "import-profile-edit")
    click_and_wait(page, "#save-button")
    transition(page, "submit", "按客户 ServiceNow 导出核对")

    # 2. The Service Department manager approves it.
    logout(page)
    login(page, live_server, "svc_manager")
    page.goto(f"{live_server.url}{profile.get_absolute_url()}")
    assert page.locator("#profile-values", has_text="5 - Planning").count() == 1
    transition(page, "approve", "同意")
    profile.refresh_from_db()
    assert profile.status == "approved"
    shot(page, "import-profile")

    # 3. The staff uploads the export as it comes: recognised, previewed, nothing written yet.
    logout(page)
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}/servicedata/contract/{contract.pk}/")
    page.set_input_files("#id_file", files=[servicenow_export()])
    page.select_option("#id_profile", f"profile:{profile.pk}")
    page.locator("#import-submit").click()
    page.wait_for_url("**/import/preview/**")
    assert page.locator("#recognised").get_attribute("data-key") == "servicenow-table"
    assert page.locator("#preview-rows .preview-row").count() == 6
    assert page.locator(".preview-row.table-secondary", has_text="INC0020004").count() == 1  # excluded
    repaired = page.locator(".preview-row.table-warning", has_text="INC0020002")
    assert repaired.count() == 1  # repaired: the rule's outcome is shown under the row
    assert not Ticket.objects.filter(external_id__startswith="INC00200").exists()
    shot(page, "import-preview")
    click_and_wait(page, "#confirm-import")

    # 4. The job ran with the profile; its quality report lists the excluded and repaired rows.
    job = ImportJob.objects.get(name="incident.csv")
    assert job.profile == profile and job.status == "done", job.message
    assert Ticket.objects.filter(external_id__startswith="INC00200").count() == 5
    findings = QualityFinding.objects.filter(job=job)
    assert set(findings.values_list("external_id", "anomaly")) == {
        ("INC0020004", Anomaly.EXCLUDED_VALUE), ("INC0020002", Anomaly.CLOSE_BEFORE_RESOLVE)}
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    click_and_wait(page, "#quality-report-link")
    assert page.locator("#excluded-count").inner_text() == "1"
    assert page.locator("#repaired-count").inner_text() == "1"
    assert page.locator("#object-table", has_text="INC0020002").count() == 1
    shot(page, "import-quality-report")
    with page.expect_download() as download:
        page.click("#export-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "INC0020004" in text and "INC0020002" in text

    # 5. In English, the same report.
    context, english = english_page(browser, live_server)
    login(english, live_server, "svc_manager")
    english.goto(f"{live_server.url}/servicedata/importjob/{job.pk}/quality/")
    with override("en"):
        label = str(Anomaly.CLOSE_BEFORE_RESOLVE.label)
    assert english.locator("#quality-summary", has_text=label).count() == 1
    assert english.locator("h1", has_text="Quality report").count() == 1
    shot(english, "import-quality-report-en")
    context.close()
