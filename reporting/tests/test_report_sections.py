"""Later stages' sections (core.report_sections) frozen into the monthly and internal reports, shown on their
pages (the company's and the customer's) and in their exports, and never changed by a later provider."""

import pytest

from core import records, report_sections
from core.context import acting_as
from reporting.models import InternalServiceReport
from reporting.services.internal import generate_internal

from .helpers import generated_report, load_month, make_profile

SEEN = []


def problems(scope):
    SEEN.append(scope)
    numbers = ", ".join(c.number for c in scope.contracts)
    return report_sections.Section("problems", "问题管理", ["合同", "问题"], [[numbers, "打印机驱动反复崩溃"]],
                                   note="本月新增 1 个问题")


@pytest.fixture
def registered(monkeypatch):
    """Only this test's provider: the later stages' own sections (problems, improvements...) are tested by them."""
    SEEN.clear()
    monkeypatch.setattr(report_sections, "_providers", {report: [] for report in report_sections.REPORTS})
    for report in (report_sections.MONTHLY, report_sections.INTERNAL):
        report_sections.register(report, problems)


def headings(record):
    return [section.heading for section in record.export_sections("zh-hans")]


def test_the_monthly_report_freezes_the_sections_of_its_contract_and_month(registered, contract, demo, client_for):
    load_month(contract, demo["svc_staff"])
    make_profile(contract, demo)
    report = generated_report(contract, demo)
    scope = SEEN[-1]
    assert scope.contracts == (contract,) and scope.project is None
    assert (scope.start.year, scope.start.month, scope.end.month) == (2026, 3, 4)
    frozen = report.snapshot["sections"]
    assert frozen == [{"key": "problems", "title": "问题管理", "columns": ["合同", "问题"],
                       "rows": [[contract.number, "打印机驱动反复崩溃"]], "note": "本月新增 1 个问题"}]
    assert "问题管理" in headings(report)
    page = client_for("pm").get(report.get_absolute_url())
    assert b'data-section="problems"' in page.content and "打印机驱动反复崩溃" in page.content.decode()

    report_sections.unregister(report_sections.MONTHLY, problems)  # a provider gone changes no generated report
    report.refresh_from_db()
    assert report.snapshot["sections"] == frozen and "问题管理" in headings(report)


def test_the_internal_report_freezes_the_sections_of_all_its_contracts(registered, contract, demo, client_for):
    load_month(contract, demo["svc_staff"])
    user = demo["tsd_staff"]
    with acting_as(user):
        report = records.create(InternalServiceReport(title="2026-03 内部服务报告", year=2026, month=3,
                                                      owner_department=user.department), user)
        report = generate_internal(report, user)
    scope = SEEN[-1]
    assert {c.number for c in scope.contracts} == {line["contract"] for line in report.snapshot["lines"]}
    assert "problems" in [section["key"] for section in report.snapshot["sections"]]  # other apps add theirs too
    assert "问题管理" in headings(report)
    assert b'data-section="problems"' in client_for("tsd_staff").get(report.get_absolute_url()).content
