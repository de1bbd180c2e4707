"""The improvement register's part of the demo company (SP-4.5.6), written through the services as people would:

* one closed: raised from a missed target of the first monthly report of the ended 温州水务 cut-over contract
  (July to September), its baseline that first month, implemented at its end, its effectiveness check over the
  months after recorded by the Service Department and approved by its manager;
* one in progress: raised from a meeting action (the holiday rota), due in a few weeks;
* one due within the week: a customer complaint typed in by hand, in progress (the owner's work queue shows
  it due; none is overdue, so the demo company's compliance checks find no improvement overdue);
* one implemented, its effectiveness check waiting for the months after to pass (from the other meeting action);
* one just drafted from an audit finding (typed in by hand with its reference).

Idempotent: each is looked up by title first.
"""

from datetime import date, timedelta

from django.utils import timezone

from contracts.demo import CHAIN_TITLE, FINISHED_TITLE
from contracts.models import Contract
from core import audit, records, workflow
from core.context import acting_as
from core.demo import REQUEST_ID
from servicedata.models import Ticket

from . import measures, services, sources
from .choices import MeasureKind, SourceKind
from .models import Improvement

CLOSED_TITLE = "夜间 P2 工单响应提速"
PROGRESS_TITLE = "节假日值班表报客户备案"
COMPLAINT_TITLE = "客户投诉：打印机故障反复出现"
DRAFT_TITLE = "内审发现：满意度回访未留记录"
IMPLEMENTED_TITLE = "P1 工单自动电话升级"


def load(context):
    users = context.users
    finished = Contract.objects.signed().filter(title=FINISHED_TITLE).first()
    if finished is not None and Ticket.objects.filter(contract__number=finished.number).exists():
        _closed(finished, users)
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is None:
        return
    tickets = Ticket.objects.filter(contract__number=contract.number)
    _in_progress(contract, users)
    _complaint(contract, tickets, users)
    _implemented(contract, users)
    _draft(contract, users)


def _closed(contract, users):
    """The ended cut-over contract (July to September): the first month is the baseline, the fix goes in at its
    end, the check measures the months after."""
    if Improvement.objects.filter(title=CLOSED_TITLE).exists():
        return
    from reporting.models import MetricAnalysis

    staff, manager = users["svc_staff"], users["svc_manager"]
    first = measures.month_index(contract.start_date.year, contract.start_date.month)
    last = measures.month_index(contract.end_date.year, contract.end_date.month)
    if last - first < 1:
        return
    baseline = [measures.from_index(first)]
    second = measures.from_index(first + 1)
    implemented = date(second[0], second[1], 1) - timedelta(days=1)
    analysis = MetricAnalysis.objects.filter(report__contract__number=contract.number,
                                             report__year=baseline[0][0], report__month=baseline[0][1]) \
        .order_by("pk").first()
    suggested = sources.prefill(analysis) if analysis is not None else {"measure": MeasureKind.RESPONSE,
                                                                        "measure_priority": "P2"}
    with acting_as(staff, request_id=REQUEST_ID):
        improvement = Improvement(
            title=CLOSED_TITLE, contract=contract, owner=staff, owner_department=staff.department,
            source_kind=SourceKind.MISSED_TARGET, measure=suggested["measure"],
            measure_priority=suggested.get("measure_priority", ""), target_value=95, due_date=implemented,
            check_months=min(3, last - first),
            plan="割接期间增设一名值班工程师，工单 15 分钟内电话回访；值班表每周复核。")
        improvement = services.create(improvement, staff, source=analysis, baseline_months=baseline,
                                      comment="月报未达标指标的改进")
        workflow.fire(improvement, "start", staff, "按计划实施")
        before = audit.snapshot(improvement)
        improvement.implemented_on = implemented
        records.update(improvement, staff, before)
        workflow.fire(improvement, "implement", staff, "值班安排已落实")
        improvement.refresh_from_db()
        after = services.preview_check(improvement)
        effective = bool(after["improved"])
        conclusion = ("实施后各月达成率较基线提升，改进有效。" if effective
                      else "实施后达成率未见提升，改进无效，另行跟进。")
        services.record_check(improvement, staff, effective, conclusion)
        workflow.fire(improvement, "request_close", staff, "申请关闭")
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(improvement, "close", manager, "有效性验证通过")


def _in_progress(contract, users):
    if Improvement.objects.filter(title=PROGRESS_TITLE).exists():
        return
    from reporting.models import ActionItem

    action = ActionItem.objects.filter(description__contains="节假日值班").first()
    pm = users["pm"]
    with acting_as(pm, request_id=REQUEST_ID):
        improvement = services.create(Improvement(
            title=PROGRESS_TITLE, contract=contract, owner=pm, owner_department=pm.department,
            source_kind=SourceKind.MEETING_ACTION, measure=MeasureKind.RESOLUTION, measure_priority="P1",
            target_value=95, due_date=timezone.localdate() + timedelta(days=21),
            plan="排定春节与元旦值班表，报客户信息科备案；值班工程师手机 24 小时在线。"), pm, source=action)
        workflow.fire(improvement, "start", pm, "开始实施")


def _complaint(contract, tickets, users):
    if Improvement.objects.filter(title=COMPLAINT_TITLE).exists():
        return
    category = "打印机" if tickets.filter(category="打印机").exists() else \
        (tickets.exclude(category="").values_list("category", flat=True).first() or "")
    staff = users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        improvement = services.create(Improvement(
            title=COMPLAINT_TITLE, contract=contract, owner=users["pm"], owner_department=staff.department,
            source_kind=SourceKind.COMPLAINT, source_label="客户信息科来函：打印机故障一月内多次报修",
            source_reference="来函 2026-10-12",
            measure=MeasureKind.CATEGORY_TICKETS if category else MeasureKind.RESPONSE, measure_category=category,
            due_date=timezone.localdate() + timedelta(days=7),
            plan="更换老化打印机硒鼓与定影组件，建立每月巡检；与客户确认耗材更换周期。"), staff)
        workflow.fire(improvement, "start", staff, "开始实施")


def _draft(contract, users):
    if Improvement.objects.filter(title=DRAFT_TITLE).exists():
        return
    staff = users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        services.create(Improvement(
            title=DRAFT_TITLE, contract=contract, owner=staff, owner_department=staff.department,
            source_kind=SourceKind.AUDIT_FINDING, source_label="内部审核：满意度低分回访无书面记录",
            source_reference="内审报告 IA-2026-02 第 3 项", measure=MeasureKind.SATISFACTION, target_value=4.5,
            due_date=timezone.localdate() + timedelta(days=45)), staff)


def _implemented(contract, users):
    if Improvement.objects.filter(title=IMPLEMENTED_TITLE).exists():
        return
    from reporting.models import ActionItem

    action = ActionItem.objects.filter(description__contains="自动电话升级").first()
    member = users["pm"]
    implemented = timezone.localdate().replace(day=1) - timedelta(days=1)
    if implemented < contract.start_date:
        return
    with acting_as(member, request_id=REQUEST_ID):
        improvement = services.create(Improvement(
            title=IMPLEMENTED_TITLE, contract=contract, owner=member, owner_department=member.department,
            source_kind=SourceKind.MEETING_ACTION, measure=MeasureKind.RESPONSE, measure_priority="P1",
            target_value=98, due_date=implemented, check_months=2,
            plan="P1 工单创建后 10 分钟未响应即自动电话呼叫值班工程师，20 分钟未响应升级至项目经理。"), member,
            source=action)
        workflow.fire(improvement, "start", member, "开始实施")
        before = audit.snapshot(improvement)
        improvement.implemented_on = implemented
        records.update(improvement, member, before)
        workflow.fire(improvement, "implement", member, "已上线")
