"""Planted violations: reporting (RPT-1..3, MTG-1, MTG-2, ACT-1).

A contract served in the first quarter of 2025 (approved, served before it is signed, long ended): January
reported and issued (late: today), February and March never reported, and no quality meeting reviewed February or
March; January's meeting was held without minutes. An analysis of an issued demo report loses its improvement
action (a direct edit: the workflow refuses to approve, so to issue, a report without it). A meeting action is left
open past its due date.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from . import Expected

BJ = ZoneInfo("Asia/Shanghai")


def _contract(users):
    from catalog.models import Calendar, ServiceTier
    from contracts.models import Contract
    from core import records, workflow
    from core.choices import RecordStatus
    from core.context import acting_as
    from customers.models import Customer

    sales, manager = users["sales"], users["svc_manager"]
    tier = ServiceTier.objects.filter(status=RecordStatus.APPROVED).order_by("pk").first()
    with acting_as(sales):
        contract = records.create(Contract(
            title="杭州联合银行 年初应急运维服务合同（植入）", customer=Customer.objects.get(code="hzbank"),
            owner_department=sales.department, start_date=date(2025, 1, 1), end_date=date(2025, 3, 31),
            service_tier=tier, calendar=Calendar.objects.order_by("pk").first(), customer_signatory="周建华",
            company_signatory="吴强", payment_terms="按月支付。"), sales)
        workflow.fire(contract, "submit", sales)
    with acting_as(manager):
        workflow.fire(contract, "approve", manager)
    contract.refresh_from_db()
    return contract


def _issued_report(contract, users):
    from core import records, workflow
    from core.context import acting_as
    from reporting.models import MonthlyServiceReport
    from reporting.services import monthly

    pm, manager = users["pm"], users["svc_manager"]
    with acting_as(pm):
        report = records.create(MonthlyServiceReport(title="年初应急运维 服务月报 2025-01", contract=contract,
                                                     year=2025, month=1, owner_department=pm.department), pm)
        report = monthly.run_generation(report, pm)
        workflow.fire(report, "submit", pm)
    with acting_as(manager):
        workflow.fire(report, "approve", manager)
        workflow.fire(report, "issue", manager)
    report.refresh_from_db()
    return report


def _meeting_without_minutes(users):
    from core import records
    from core.context import acting_as
    from reporting.models import QualityMeeting
    from reporting.services import meetings

    staff = users["tsd_staff"]
    start = datetime(2025, 2, 12, 14, tzinfo=BJ)
    with acting_as(staff):
        return records.create(QualityMeeting(title="2025年1月 月度服务质量分析会议", year=2025, month=1, start=start,
                                             end=start + timedelta(hours=2), chair=users["tsd_director"],
                                             minute_taker=staff, agenda=meetings.agenda_from(None),
                                             organiser=staff), staff)


def _analysis_dropped():
    from reporting.models import MetricAnalysis, MonthlyServiceReport

    report = MonthlyServiceReport.objects.filter(status="issued").exclude(analyses=None).order_by("pk").first()
    analysis = report.analyses.order_by("pk").first()
    MetricAnalysis.objects.filter(pk=analysis.pk).update(improvement="")
    return report


def _overdue_action(users):
    from core import records
    from core.context import acting_as
    from reporting.models import ActionItem, MeetingMinutes

    staff = users["tsd_staff"]
    minutes = MeetingMinutes.objects.filter(successor__isnull=True, status="distributed").order_by("pk").first()
    with acting_as(staff):
        return records.create(ActionItem(minutes=minutes, description="更新客户联系人名单", owner=users["pm"],
                                         due_date=timezone.localdate() - timedelta(days=1)), staff)


def plant(demo):
    contract = _contract(demo)
    report = _issued_report(contract, demo)
    meeting = _meeting_without_minutes(demo)
    tampered = _analysis_dropped()
    action = _overdue_action(demo)
    return [
        Expected("RPT-1", contract, "2025-02"), Expected("RPT-1", contract, "2025-03"),
        Expected("RPT-2", report),
        Expected("RPT-3", tampered),
        Expected("MTG-1", contract, "2025-02"), Expected("MTG-1", contract, "2025-03"),
        Expected("MTG-2", meeting),
        Expected("ACT-1", action),
    ]
