"""Demo reporting (SP-4.5.1), loaded last by `manage.py load_demo` (idempotent; audited).

For the signed 温州水务 contract: the report profile agreed with the customer (its recipients), the monthly
report of the last full month generated from the service data (synchronously), analysed, approved and issued;
the Technical Service Division's internal report of that month, the quality meeting, and its minutes approved
and distributed with action items (one due in three days, one in two weeks: the demo company is on time).
The bank's report profile waits for approval, and the
contracts without a report for last month show on the late-report panel.

For the ended cut-over support contract (July to September 2026): its report profile approved and the report of
every month of its period generated, analysed, approved and issued (closure.demo closes its project). A report
of a month whose due day has passed is shown issued on time: its review and issue are moved back to the day before
its due day (as security.demo moves its incident's report back), so the compliance checks find nothing late.
"""

from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from contracts.demo import CHAIN_TITLE, FINISHED_TITLE
from contracts.models import Contract
from core import audit, records, workflow
from core.choices import RecordStatus
from core.context import acting_as
from core.demo import REQUEST_ID
from core.models import TransitionLog
from projects.choices import ReportSection
from projects.models import Project
from servicedata.demo import full_months, whole_period
from servicedata.models import Ticket

from .models import (
    ActionItem,
    InternalServiceReport,
    MeetingAttendee,
    MeetingMinutes,
    MonthlyServiceReport,
    QualityMeeting,
    ReportProfile,
    profile_for,
)
from .services import internal, meetings, monthly
from .services.due import due_date

# contract lookup, recipients, approved
PROFILES = [
    ({"title": FINISHED_TITLE}, ["lin.guodong@wzwater.example", "chen.xiaoyan@wzwater.example"], True),
    ({"title": CHAIN_TITLE}, ["lin.guodong@wzwater.example", "chen.xiaoyan@wzwater.example"], True),
    ({"customer__code": "hzbank"}, ["it-ops@hzbank.example"], False),
]
# month: the summary of the ended contract's report
FINISHED_SUMMARIES = {
    7: "本月完成营收系统 V6.2 割接上线，割接一次成功、业务无中断；割接后进入保障期运维。",
    8: "保障期运维第二个月，系统运行总体平稳，完成例行维护一次，未发生重大安全事件。",
    9: "保障期最后一个月，系统运行平稳；完成保障期总结并向常态化运维团队移交。",
}
DEFAULT_SUMMARY = "本月系统运行总体平稳，完成例行维护一次，未发生重大安全事件。"
ANALYSIS = ("夜间与节假日值守人手不足，部分 P1/P2 工单响应超时。", "增加节假日值班工程师，P1 工单自动电话升级。")


def load(context):
    users = context.users
    for lookup, recipients, approved in PROFILES:
        contract = Contract.objects.in_force().filter(**lookup).first()
        if contract is not None:
            _profile(contract, recipients, approved, users)
    _finished_reports(users)
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is None or not Ticket.objects.filter(contract__number=contract.number).exists():
        return
    end, _months = full_months(contract)
    month_start = (end - timedelta(days=1)).replace(day=1)
    year, month = month_start.year, month_start.month
    _monthly_report(contract, year, month, users)
    internal = _internal_report(year, month, users, context.departments)
    _meeting(internal, year, month, users)


def _finished_reports(users):
    """Every month of the ended contract's period reported and issued (skipped while it has not ended)."""
    contract = Contract.objects.signed().filter(title=FINISHED_TITLE).first()
    if contract is None or not Ticket.objects.filter(contract__number=contract.number).exists():
        return
    _end, months = whole_period(contract)
    year, month = contract.start_date.year, contract.start_date.month
    for _index in range(months):
        _monthly_report(contract, year, month, users, FINISHED_SUMMARIES.get(month, DEFAULT_SUMMARY))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _profile(contract, recipients, approved, users):
    """The contract's report settings: set up from the approved project plan when there is one (projects.demo),
    else agreed directly; submitted, and approved if asked."""
    profile = ReportProfile.objects.filter(contract__number=contract.number).order_by("-version").first()
    if profile is not None and profile.status != RecordStatus.DRAFT:
        return
    # The project's PM agrees the reports; a contract without a project yet, the Service Department.
    author = users["pm"] if contract.projects.filter(manager=users["pm"]).exists() else users["svc_staff"]
    manager = users["svc_manager"]
    with acting_as(author, request_id=REQUEST_ID):
        if profile is None:
            profile = records.create(ReportProfile(
                title=f"{contract.customer.name} 服务报告约定", contract=contract, owner_department=author.department,
                recipients=recipients, sections=list(ReportSection.values)), author, comment="与客户确认")
        workflow.fire(profile, "submit", profile.author, "提交审批")
    if approved:
        with acting_as(manager, request_id=REQUEST_ID):
            workflow.fire(profile, "approve", manager, "同意")


def _monthly_report(contract, year, month, users, summary=DEFAULT_SUMMARY):
    if monthly.report_for(contract, year, month) is not None:
        return
    pm, manager = users["pm"], users["svc_manager"]
    with acting_as(pm, request_id=REQUEST_ID):
        report = records.create(MonthlyServiceReport(
            title=f"{contract.customer.name} 服务月报 {year}-{month:02d}", contract=contract, year=year, month=month,
            owner_department=pm.department,
            summary=summary), pm, comment="初版")
        report = monthly.run_generation(report, pm)
        for analysis in report.analyses.all():
            before = audit.snapshot(analysis)
            analysis.analysis, analysis.improvement = ANALYSIS
            records.update(analysis, pm, before)
        workflow.fire(report, "submit", pm, "提交审批")
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(report, "approve", manager, "同意")
    with acting_as(pm, request_id=REQUEST_ID):
        workflow.fire(report, "issue", pm, "发送客户")
    _issued_on_time(report)


def _issued_on_time(report):
    """A report issued after its due day (a past month written now) moved back to the day before it: submitted,
    approved and issued that day."""
    report.refresh_from_db()
    due = due_date(profile_for(report.contract), report.year, report.month)
    if timezone.localdate(report.issued_at) <= due:
        return
    start = timezone.make_aware(datetime.combine(due - timedelta(days=1), time(10)))
    logs = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(report), object_id=report.pk)
    steps = list(logs.order_by("at", "pk").values_list("pk", flat=True))
    for n, pk in enumerate(steps):
        TransitionLog.objects.filter(pk=pk).update(at=start + timedelta(hours=2 * n))
    before = audit.snapshot(report)
    MonthlyServiceReport.objects.filter(pk=report.pk).update(issued_at=start + timedelta(hours=2 * (len(steps) - 1)))
    report.refresh_from_db()
    # Audited like any correction, so the audit trail still verifies.
    audit.log_update(report, before, comment="演示数据：按计划日期发布")


def _internal_report(year, month, users, departments):
    existing = InternalServiceReport.objects.filter(year=year, month=month).order_by("-version").first()
    if existing is not None:
        return existing
    staff, director = users["tsd_staff"], users["tsd_director"]
    with acting_as(staff, request_id=REQUEST_ID):
        report = records.create(InternalServiceReport(
            title=f"{year}-{month:02d} 内部服务报告", year=year, month=month, owner_department=departments["tsd"],
            conclusions="各合同服务总体达标；未达标指标在质量分析会上逐项分析。"), staff, comment="初版")
        report = internal.generate_internal(report, staff)
        workflow.fire(report, "submit", staff, "提交审批")
    with acting_as(director, request_id=REQUEST_ID):
        workflow.fire(report, "approve", director, "同意")
    return report


def _meeting(internal, year, month, users):
    if QualityMeeting.objects.filter(year=year, month=month).exists():
        return
    staff, director = users["tsd_staff"], users["tsd_director"]
    start = (timezone.now() - timedelta(days=7)).replace(hour=6, minute=0, second=0, microsecond=0)  # 14:00 北京
    today = timezone.localdate()
    with acting_as(staff, request_id=REQUEST_ID):
        meeting = records.create(QualityMeeting(
            title=f"{year}年{month}月 月度服务质量分析会议", year=year, month=month, start=start,
            end=start + timedelta(hours=2), location="三楼会议室", chair=director, minute_taker=staff,
            internal_report=internal, agenda=meetings.agenda_from(internal), organiser=staff), staff)
        for username, present in (("pm", True), ("svc_manager", True), ("svc_staff", False)):
            records.create(MeetingAttendee(meeting=meeting, user=users[username], present=present), staff)
        minutes = records.create(MeetingMinutes(
            title=f"{meeting.title} 纪要", meeting=meeting, owner_department=staff.department,
            decisions="节假日增加值班工程师；P1 工单启用自动电话升级。",
            discussion=[{"item": item, "discussion": "已讨论，见决议。"} for item in meeting.agenda[:2]]), staff)
        # Both actions answer the 温州水务 project's missed targets: its closure checklist lists them until closed.
        project = Project.objects.filter(contract__title=CHAIN_TITLE).order_by("created").first()
        records.create(ActionItem(minutes=minutes, description="排定节假日值班表并报客户备案", owner=users["pm"],
                                  due_date=today + timedelta(days=3), project=project), staff)
        records.create(ActionItem(minutes=minutes, description="配置 P1 工单自动电话升级", owner=users["member"],
                                  due_date=today + timedelta(days=14), project=project), staff)
        workflow.fire(minutes, "submit", staff, "提交审批")
    with acting_as(director, request_id=REQUEST_ID):
        workflow.fire(minutes, "approve", director, "同意")
    with acting_as(staff, request_id=REQUEST_ID):
        workflow.fire(minutes, "distribute", staff, "分发与会人员")
