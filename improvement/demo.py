"""The improvement register's part of the demo company (SP-4.5.6), written through the services as people would:

* one closed: raised from the missed target of the 温州水务 monthly report, its baseline the first three months of
  the service data, implemented at the end of the third, its effectiveness check over the next three months
  recorded by the Service Department and approved by its manager;
* one in progress: raised from a meeting action (the holiday rota), due in a few weeks;
* one overdue: a customer complaint typed in by hand, in progress and past its due date.

Idempotent: each is looked up by title first.
"""

from datetime import date, timedelta

from django.utils import timezone

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import audit, records, workflow
from core.context import acting_as
from core.demo import REQUEST_ID
from servicedata.models import Ticket

from . import measures, services
from .choices import MeasureKind, SourceKind
from .models import Improvement

CLOSED_TITLE = "夜间 P2 工单响应提速"
PROGRESS_TITLE = "节假日值班表报客户备案"
OVERDUE_TITLE = "客户投诉：打印机故障反复出现"


def load(context):
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is None:
        return
    tickets = Ticket.objects.filter(contract__number=contract.number)
    first = tickets.order_by("created").values_list("created", flat=True).first()
    if first is None:
        return
    users = context.users
    _closed(contract, first.date(), users)
    _in_progress(contract, users)
    _overdue(contract, tickets, users)


def _start_of_data(first_day):
    """The first full month of the service data."""
    index = measures.month_index(first_day.year, first_day.month) + (first_day.day > 1)
    return index


def _closed(contract, first_day, users):
    if Improvement.objects.filter(title=CLOSED_TITLE).exists():
        return
    from reporting.models import MetricAnalysis

    staff, manager = users["svc_staff"], users["svc_manager"]
    start = _start_of_data(first_day)
    today = timezone.localdate()
    if measures.month_index(today.year, today.month) - start < 6:
        return  # fewer than six full months of data: no before and after to compare yet
    baseline = [measures.from_index(i) for i in range(start, start + 3)]
    fourth = measures.from_index(start + 3)
    implemented = date(fourth[0], fourth[1], 1) - timedelta(days=1)
    analysis = MetricAnalysis.objects.filter(report__contract__number=contract.number,
                                             metric_key__startswith="response").order_by("-report__year",
                                                                                         "-report__month").first()
    with acting_as(staff, request_id=REQUEST_ID):
        improvement = Improvement(
            title=CLOSED_TITLE, contract=contract, owner=staff, owner_department=staff.department,
            source_kind=SourceKind.MISSED_TARGET, source_label="", measure=MeasureKind.RESPONSE,
            measure_priority="P2", target_value=95, due_date=implemented,
            plan="夜间增设一名值班工程师，P2 工单 15 分钟内电话回访；值班表每周复核。")
        improvement = services.create(improvement, staff, source=analysis, baseline_months=baseline,
                                      comment="月报未达标指标的改进")
        workflow.fire(improvement, "start", staff, "按计划实施")
        before = audit.snapshot(improvement)
        improvement.implemented_on = implemented
        records.update(improvement, staff, before)
        workflow.fire(improvement, "implement", staff, "夜间值班已落实")
        improvement.refresh_from_db()
        after = services.preview_check(improvement)
        effective = bool(after["improved"])
        conclusion = ("实施后三个月 P2 响应达成率较基线提升，改进有效。" if effective
                      else "实施后三个月 P2 响应达成率未见提升，改进无效，另行跟进。")
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


def _overdue(contract, tickets, users):
    if Improvement.objects.filter(title=OVERDUE_TITLE).exists():
        return
    category = "打印机" if tickets.filter(category="打印机").exists() else \
        (tickets.exclude(category="").values_list("category", flat=True).first() or "")
    staff = users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        improvement = services.create(Improvement(
            title=OVERDUE_TITLE, contract=contract, owner=users["pm"], owner_department=staff.department,
            source_kind=SourceKind.COMPLAINT, source_label="客户信息科来函：打印机故障一月内多次报修",
            source_reference="来函 2026-10-12",
            measure=MeasureKind.CATEGORY_TICKETS if category else MeasureKind.RESPONSE, measure_category=category,
            due_date=timezone.localdate() - timedelta(days=10),
            plan="更换老化打印机硒鼓与定影组件，建立每月巡检；与客户确认耗材更换周期。"), staff)
        workflow.fire(improvement, "start", staff, "开始实施")
