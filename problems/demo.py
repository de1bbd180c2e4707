"""Problem management's part of the demo company (SP-4.5.4): from the 温州水务 contract's tickets, the four
top-ranked candidates of the last 90 days of its data become problems through the services, as the people would:

* the first is analysed (5 whys), its solution approved, carried out by the project team, verified (no recurrence
  since the fix date) and closed;
* the second is under analysis (cause categories, the trend and impact still to write);
* the third is a known error with its workaround, under analysis;
* the fourth is identified (a draft opened from its candidate), its analysis not started.

Idempotent: skipped when the contract has problems already.
"""

from datetime import timedelta

from django.utils import timezone

from core import records, rows, workflow
from core.audit import snapshot
from core.context import acting_as
from core.demo import REQUEST_ID

from . import candidates, services
from .choices import CauseCategory, RiskLevel, RootCauseMethod
from .models import Problem


def load(context):
    from contracts.demo import CHAIN_TITLE
    from contracts.models import Contract
    from servicedata.demo import full_months
    from servicedata.models import Ticket

    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is None or Problem.objects.filter(contract__number=contract.number).exists():
        return
    if not Ticket.objects.filter(contract__number=contract.number).exists():
        return
    end, _months = full_months(contract)
    found = candidates.candidates([contract], end=end)[:4]
    users = context.users
    staff = users["svc_staff"]
    # Opened in this order so the closed one is the newest record and the identified draft the newest draft.
    order = [1, 2, 3, 0][:len(found)] if len(found) == 4 else list(range(len(found)))
    opened = {}
    with acting_as(staff, request_id=REQUEST_ID):
        for index in order:
            c = found[index]
            opened[index] = candidates.open_problem(contract, c.category, c.configuration_item, staff, end=end)
    if 0 in opened:
        _closed(opened[0], contract, users)
    if 1 in opened:
        _under_analysis(opened[1], users)
    if 2 in opened:
        _known_error(opened[2], users)
    # The fourth stays identified: opened from its candidate, its analysis not started.


def _update(problem, user, **values):
    before = snapshot(problem)
    for name, value in values.items():
        setattr(problem, name, value)
    records.update(problem, user, before)


def _items(contract, count):
    return list(contract.customer.configuration_items.order_by("kind", "name")[:count])


def _closed(problem, contract, users):
    staff, manager, pm = users["svc_staff"], users["svc_manager"], users["pm"]
    today = timezone.localdate()
    with acting_as(staff, request_id=REQUEST_ID):
        workflow.fire(problem, "analyse", staff)
        _update(problem, staff, method=RootCauseMethod.FIVE_WHYS,
                trend="近三个月同类工单逐月增加，且多为高峰时段集中发生；若不处理，预计下季度将出现更长时间的业务中断。",
                impact="影响客户营业厅收费与自助缴费渠道，高峰期可能导致缴费失败和投诉。", risk_level=RiskLevel.HIGH,
                solution="更换老化的汇聚交换机上联模块，调整监控阈值并建立每月巡检项；项目组实施，服务部跟踪验证。")
        rows.set_links(problem, "configuration_items", _items(contract, 2), staff)
        rows.replace(problem, "causes", [
            {"position": 1, "question": "为什么缴费业务中断？", "cause": "营业厅网络链路频繁中断"},
            {"position": 2, "question": "为什么链路中断？", "cause": "汇聚交换机上联端口反复抖动"},
            {"position": 3, "question": "为什么端口抖动？", "cause": "上联光模块老化、收光功率临界"},
            {"position": 4, "question": "为什么老化未被发现？", "cause": "监控未采集光功率指标"},
            {"position": 5, "question": "为什么未采集？", "cause": "巡检规范未包含光模块检查项"},
        ], staff)
        rows.replace(problem, "tasks", [
            {"description": "更换汇聚交换机上联光模块", "owner": pm, "due_on": today - timedelta(days=3)},
            {"description": "监控平台增加光功率采集与告警阈值", "owner": users["member"], "due_on": today},
        ], staff)
        problem.refresh_from_db()
        workflow.fire(problem, "submit", staff)
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(problem, "approve", manager, "根因分析充分，同意解决方案。")
    with acting_as(pm, request_id=REQUEST_ID):
        workflow.fire(problem, "implement", pm)
        for task in problem.tasks.all():
            services.mark_task_done(task, pm, today)
        workflow.fire(problem, "verify", pm)
    with acting_as(staff, request_id=REQUEST_ID):
        problem.refresh_from_db()
        workflow.fire(problem, "close", staff, "修复后未再出现同类工单，问题关闭。")


def _under_analysis(problem, users):
    staff = users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        workflow.fire(problem, "analyse", staff)
        problem.refresh_from_db()
        _update(problem, staff, method=RootCauseMethod.CATEGORIES)
        rows.replace(problem, "causes", [
            {"position": 1, "category": CauseCategory.TECHNOLOGY, "cause": "应用服务器连接池配置偏小"},
            {"position": 2, "category": CauseCategory.PROCESS, "cause": "版本发布后缺少性能回归检查"},
        ], staff)


def _known_error(problem, users):
    staff = users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        workflow.fire(problem, "analyse", staff)
        problem.refresh_from_db()
        _update(problem, staff, known_error=True, known_error_on=timezone.localdate() - timedelta(days=5),
                workaround="出现该故障时重启打印服务并清空队列，约 5 分钟恢复；已写入一线处理手册。",
                trend="每周 1–2 次，集中在月初账单打印高峰。")
