"""Planted violations: reporting (RPT-1..3, MTG-1, MTG-2, ACT-1).

A contract served in the first quarter of 2025 (approved, served before it is signed, long ended) whose report
profile was agreed before it started (approved now, its approval moved back to December 2024 by a direct edit, as
the demo moves a report's issue back): January reported and issued (late: today), February and March never
reported. The company's series of quality meetings starts earlier than the demo's meeting (last month's): a
meeting for the month before the one before, held last month, without minutes, and none for the month between. An
analysis of an issued demo report loses its improvement action (a direct edit: the workflow refuses to approve, so
to issue, a report without it). A meeting action is left open past its due date.
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

    staff, manager = users["svc_staff"], users["svc_manager"]  # no project: the Service Department writes it
    with acting_as(staff):
        report = records.create(MonthlyServiceReport(title="年初应急运维 服务月报 2025-01", contract=contract,
                                                     year=2025, month=1, owner_department=staff.department), staff)
        report = monthly.run_generation(report, staff)
        workflow.fire(report, "submit", staff)
    with acting_as(manager):
        workflow.fire(report, "approve", manager)
        workflow.fire(report, "issue", manager)
    report.refresh_from_db()
    return report


def _profile_agreed_before(contract, users):
    """The contract's report profile, submitted and approved, its approval moved back to 20 December 2024."""
    from django.contrib.contenttypes.models import ContentType

    from core import records, workflow
    from core.context import acting_as
    from core.models import TransitionLog
    from projects.choices import ReportSection
    from reporting.models import ReportProfile

    author, manager = users["svc_staff"], users["svc_manager"]
    with acting_as(author):
        profile = records.create(ReportProfile(title="杭州联合银行 年初应急运维 服务报告约定", contract=contract,
                                               owner_department=author.department,
                                               recipients=["it-ops@hzbank.example"],
                                               sections=list(ReportSection.values)), author)
        workflow.fire(profile, "submit", author)
    with acting_as(manager):
        workflow.fire(profile, "approve", manager)
    agreed = datetime(2024, 12, 20, 10, tzinfo=BJ)
    logs = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(profile), object_id=profile.pk)
    for n, pk in enumerate(logs.order_by("at", "pk").values_list("pk", flat=True)):
        TransitionLog.objects.filter(pk=pk).update(at=agreed - timedelta(hours=2) + timedelta(hours=n))
    ReportProfile.objects.filter(pk=profile.pk).update(approved_at=agreed)
    return profile


def _months_before(year, month, count):
    index = year * 12 + month - 1 - count
    return index // 12, index % 12 + 1


def _meeting_without_minutes(users):
    """A meeting starting the series two months before the demo's first one, held in the month after it; the month
    between has none. Returns (meeting, the month without one)."""
    from core import records
    from core.context import acting_as
    from reporting.models import QualityMeeting
    from reporting.services import meetings

    demo_first = QualityMeeting.objects.order_by("start", "pk").first()
    year, month = _months_before(demo_first.year, demo_first.month, 2)
    held_in = _months_before(demo_first.year, demo_first.month, 1)
    start = datetime(*held_in, 12, 14, tzinfo=BJ)
    staff = users["tsd_staff"]
    with acting_as(staff):
        meeting = records.create(QualityMeeting(title=f"{year}年{month}月 月度服务质量分析会议", year=year, month=month,
                                                start=start, end=start + timedelta(hours=2),
                                                chair=users["tsd_director"], minute_taker=staff,
                                                agenda=meetings.agenda_from(None), organiser=staff), staff)
    return meeting, f"{held_in[0]}-{held_in[1]:02d}"


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
    _profile_agreed_before(contract, demo)
    report = _issued_report(contract, demo)
    meeting, unmet = _meeting_without_minutes(demo)
    tampered = _analysis_dropped()
    action = _overdue_action(demo)
    return [
        Expected("RPT-1", contract, "2025-02"), Expected("RPT-1", contract, "2025-03"),
        Expected("RPT-2", report),
        Expected("RPT-3", tampered),
        Expected("MTG-1", meeting, unmet),
        Expected("MTG-2", meeting),
        Expected("ACT-1", action),
    ]
