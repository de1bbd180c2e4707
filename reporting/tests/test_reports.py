"""Monthly report workflow: frozen figures, regeneration as a new version, the analysis rule, issue, exports."""

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from conftest import require
from core import records, workflow
from core.context import acting_as
from core.exporting import export_record
from core.workflow import WorkflowError
from reporting.choices import ReportStatus
from reporting.figures import metric_name
from reporting.models import MonthlyServiceReport
from reporting.services import monthly
from servicedata.models import Ticket
from servicedata.sla import recompute

from .helpers import analyse_all, approve, generated_report, load_month, make_profile


@pytest.fixture
def report(contract, demo):
    load_month(contract, demo["svc_staff"])
    make_profile(contract, demo)
    return generated_report(contract, demo)


def test_approval_refused_while_a_missed_target_lacks_analysis(report, demo):
    pm, manager = demo["pm"], demo["svc_manager"]
    with acting_as(pm):
        workflow.fire(report, "submit", pm)
    with pytest.raises(WorkflowError, match="missed target needs an analysis"):
        workflow.fire(report, "approve", manager)
    reasons = dict((t.name, r) for t, r in workflow.available(report, manager))["approve"]
    assert reasons and "analysis" in reasons[0]
    first = report.analyses.first()
    first.analysis = "only an analysis, no action"
    first.save()
    with pytest.raises(WorkflowError):
        workflow.fire(report, "approve", manager)
    with pytest.raises(ValidationError):  # the analyses are part of the report: frozen while it is in review
        analyse_all(report, pm)
    with acting_as(manager):
        workflow.fire(report, "return", manager, "analyse every missed target")
    analyse_all(report, pm)
    with acting_as(pm):
        workflow.fire(report, "submit", pm)
    workflow.fire(report, "approve", manager)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_submit_needs_generated_figures(contract, demo):
    from core import records

    pm = demo["pm"]
    with acting_as(pm):
        draft = records.create(MonthlyServiceReport(title="x", contract=contract, year=2026, month=4,
                                                    owner_department=pm.department), pm)
        with pytest.raises(WorkflowError, match="Generate"):
            workflow.fire(draft, "submit", pm)


def test_approved_report_is_frozen_and_regeneration_makes_version_2(report, contract, demo):
    report = approve(report, demo)
    frozen = report.snapshot
    pm = demo["pm"]
    # The service data changes afterwards: every ticket answered at once, a new ticket arrives.
    Ticket.objects.filter(contract=contract).update(first_response=None, computed_at=None)
    for ticket in Ticket.objects.filter(contract=contract):
        Ticket.objects.filter(pk=ticket.pk).update(first_response=ticket.created + timedelta(minutes=1))
    with acting_as(demo["svc_manager"]):
        recompute(contract, demo["svc_manager"], comment="test")
    report.refresh_from_db()
    assert report.snapshot == frozen and report.status == ReportStatus.APPROVED
    pdf_before = export_record(report, "pdf")[0]
    assert pdf_before

    with acting_as(pm):
        with pytest.raises(ValidationError, match="new version 2"):  # never silently: the reason is asked
            monthly.start_generation(report, pm)
        second = monthly.start_generation(report, pm, reason="工单数据补录后重新计算")
    second.refresh_from_db()
    report.refresh_from_db()
    assert (second.version, second.number, second.predecessor_id) == (2, report.number, report.pk)
    assert second.change_note == "工单数据补录后重新计算"
    assert export_record(report, "pdf")[0] == pdf_before  # the approved copy is what it was
    assert report.snapshot == frozen and report.version == 1
    assert second.snapshot != frozen
    new_p1 = {r["key"]: r for r in second.snapshot["table"]}["response_P1"]
    assert new_p1["actual"] == 100.0


def test_issue_emails_the_pdf_to_the_recipients(report, demo):
    report = approve(report, demo)
    mail.outbox.clear()
    with acting_as(demo["svc_manager"]):
        workflow.fire(report, "issue", demo["svc_manager"])
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED and report.issued_at is not None
    assert report.issued_to == ["it-director@nbhospital.example"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["it-director@nbhospital.example"]
    assert f"/reporting/monthlyservicereport/{report.pk}/survey/" in message.body  # the survey link
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")

    with acting_as(demo["pm"]):  # the next version is a fresh draft: not issued, with the analyses carried over
        draft = records.new_version(report, demo["pm"])
    assert (draft.issued_at, draft.issued_to) == (None, [])
    assert sorted(draft.analyses.values_list("metric_key", "improvement")) == \
        sorted(report.analyses.values_list("metric_key", "improvement"))


def test_pdf_text_shows_chinese_metric_names_and_values(report, demo):
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    from django.utils import translation
    from django.utils.translation import pgettext

    with translation.override("zh-hans"):
        content = export_record(report, "pdf")[0]
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    rows = {r["key"]: r for r in report.snapshot["table"]}
    raw = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    compact = "".join(raw.split())  # table cells wrap: compare cell text without spaces and line breaks
    with translation.override("zh-hans"):
        names = [metric_name(rows[key]) for key in ("response_P1", "resolution_P1", "availability", "mttr")]
        missed = pgettext("metric status", "Missed")
    for name in names:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name), name  # really Chinese
        assert "".join(name.split()) in compact, name
    assert "指标名称" in compact and "服务标准" in compact and "实际值" in compact and "指标状态" in compact
    assert missed in compact
    assert f"{rows['response_P1']['actual']:.2f}%" in text
    assert f"{rows['availability']['actual']:.3f}%" in text


def test_xlsx_has_the_metric_table(report, client_for):
    response = client_for("pm").get(f"/reporting/monthlyservicereport/{report.pk}/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["Metric", "Service standard", "Actual", "Status", "Remark"]
    names = [row[0] for row in values[1:]]
    assert "Response achievement rate P1" in names and "Service availability rate" in names
    assert len(values) - 1 == len(report.snapshot["table"])


def test_report_pages_and_api(report, client_for):
    client = client_for("pm")
    page = client.get(f"/reporting/monthlyservicereport/{report.pk}/")
    assert page.status_code == 200
    assert b"metric-table" in page.content and b"report-chart-data" in page.content
    assert client.get(f"/reporting/monthlyservicereport/{report.pk}/progress/").status_code == 200
    api = client.get(f"/api/reporting/monthly-reports/{report.pk}/")
    assert api.status_code == 200 and api.json()["snapshot"]["table"]
    response = client.post(f"/api/reporting/monthly-reports/{report.pk}/generate/")
    assert response.status_code == 202
    assert client_for("auditor").post(f"/api/reporting/monthly-reports/{report.pk}/generate/").status_code == 403
    assert client.get("/reporting/monthlyservicereport/").status_code == 200


def test_a_generation_whose_worker_died_for_the_last_time_fails_with_a_message(report, demo, settings):
    """Issue 10: the sweep fails the task (core.workers) and the report says so instead of "Generating" for ever."""
    from django_tasks_db.models import DBTaskResult

    from core import workers
    from reporting.choices import GenerationStatus
    from reporting.tasks import generate_report_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SERVPLAN_JOB_MAX_ATTEMPTS = 1
    task = DBTaskResult.objects.get(pk=generate_report_task.enqueue(report.pk, demo["pm"].pk).id)
    task.claim("gone")
    MonthlyServiceReport.objects.filter(pk=report.pk).update(generation=GenerationStatus.RUNNING)

    assert workers.release("gone").failed == [str(task.pk)]

    report.refresh_from_db()
    assert report.generation == GenerationStatus.FAILED
    assert report.generation_message == "The background worker stopped while generating this report. Generate it again."


def test_issued_report_copy_is_immutable_and_regenerated_only_with_a_reason(report, demo, client_for, tmp_path):
    """The issued copy shows only its own history and the customer's classification, and stays byte-identical when
    the report is regenerated later; the page asks why before it makes the next version."""
    from django.utils import translation

    from core.tests.test_exports import run_tool

    report = approve(report, demo)
    with acting_as(demo["svc_manager"]):
        workflow.fire(report, "issue", demo["svc_manager"])
    report.refresh_from_db()
    with translation.override("zh-hans"):
        issued_pdf, issued_docx = export_record(report, "pdf")[0], export_record(report, "docx")[0]

    client = client_for("pm", "zh-hans")
    url = f"/reporting/monthlyservicereport/{report.pk}/generate/"
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'id="regenerate-reason"' in page and "重新生成为第 2 版" in page
    client.post(url, {"reason": "  "})
    assert MonthlyServiceReport.objects.filter(number=report.number).count() == 1  # refused: no silent draft
    response = client.post(url, {"reason": "客户补报了 3 月的 2 张工单"})
    assert response.status_code == 302
    draft = MonthlyServiceReport.objects.get(number=report.number, version=2)
    assert draft.change_note == "客户补报了 3 月的 2 张工单" and draft.status == ReportStatus.DRAFT

    report.refresh_from_db()
    with translation.override("zh-hans"):
        assert export_record(report, "pdf")[0] == issued_pdf
        assert export_record(report, "docx")[0] == issued_docx
    text = run_tool("pdftotext", issued_pdf, tmp_path, "-layout")
    history = text[text.index("修订记录"):]
    assert "V1" in history and "V2" not in history and draft.change_note not in text
    assert "客户机密" in text and "内部" not in text
    reviewed = [line for line in text.splitlines() if line.strip().startswith(("审核", "批准"))]
    assert reviewed and all(str(demo["svc_manager"]) in line and str(report.author) not in line for line in reviewed)
