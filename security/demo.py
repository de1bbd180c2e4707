"""Information security in the demo company (SP-4.5.5): the settings, one incident closed with its whole timeline,
one escalated (the director's hour ran out) and acknowledged in time by the next person of the chain (its solution
being drawn up with the PM), and one draft.

All on the 温州水务 contract's tickets of the category 安全事件, through the services, as the people would. The
keyword rules are ones the generated tickets do not match, so the demo's own import opens nothing by itself.
"""

from datetime import timedelta

from django.utils import timezone

DEMO_KEYWORDS = "勒索\n数据泄露\n入侵\n钓鱼\n木马"


def load(context):
    from contracts.demo import CHAIN_TITLE
    from contracts.models import Contract
    from servicedata.models import Ticket

    from .models import EscalationStep, SecurityIncident, SecuritySettings

    users = context.users
    if SecurityIncident.objects.exists() or "tsd_director" not in users:
        return
    config = SecuritySettings.current()
    SecuritySettings.objects.filter(pk=config.pk).update(keywords=DEMO_KEYWORDS, acknowledge_minutes=60,
                                                         director=users["tsd_director"])
    EscalationStep.objects.get_or_create(settings=config, position=1, defaults={"person": users["gm"]})
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is None:
        return
    tickets = list(Ticket.objects.filter(contract__number=contract.number, category="安全事件").order_by("created")[:2])
    if len(tickets) < 2:
        return
    _closed(users, tickets[0])
    _acknowledged_late(users, tickets[1])
    _draft(users, contract)


def _closed(users, ticket):
    """Marked by hand by the service engineer, acknowledged by the director at once, solved with the PM, verified
    and closed by the Service Department."""
    from core import records, workflow
    from core.context import acting_as
    from core.demo import REQUEST_ID

    from .choices import Severity
    from .models import IncidentTask
    from .services import mark_by_hand

    staff, director, manager, pm = users["svc_staff"], users["tsd_director"], users["svc_manager"], users["pm"]
    with acting_as(staff, request_id=REQUEST_ID):
        incident, _created = mark_by_hand(ticket, staff, severity=Severity.HIGH,
                                          description="终端杀毒软件报告木马程序，用户反映文件被加密前有异常弹窗。")
    with acting_as(director, request_id=REQUEST_ID):
        workflow.fire(incident, "acknowledge", director, comment="已知悉，立即隔离该终端。")
    with acting_as(pm, request_id=REQUEST_ID):
        incident.refresh_from_db()
        before = _snap(incident)
        incident.project_manager = pm
        incident.solution = "1. 隔离终端并断网；2. 全盘查杀并重装系统；3. 排查同网段终端；4. 更新病毒库与补丁策略。"
        records.update(incident, pm, before)
        due = timezone.localdate()
        for text, owner in (("隔离终端并全盘查杀", users["member"]), ("排查同网段终端", staff)):
            records.create(IncidentTask(incident=incident, description=text, owner=owner, due=due), pm)
        workflow.fire(incident, "draw_up", pm)
    with acting_as(director, request_id=REQUEST_ID):
        workflow.fire(incident, "approve_solution", director, comment="同意方案。")
    with acting_as(staff, request_id=REQUEST_ID):
        workflow.fire(incident, "implement", staff)
        for task in incident.tasks.all():
            before = _snap(task)
            task.done = True
            records.update(task, staff, before)
        incident.refresh_from_db()
        before = _snap(incident)
        incident.verification = "复查终端及同网段 40 台终端，未再发现告警；持续观察一周无复发。"
        records.update(incident, staff, before)
        workflow.fire(incident, "verify", staff)
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(incident, "close", manager, comment="验证通过，关闭。")


def _acknowledged_late(users, ticket):
    """Flagged by the import's security column, not acknowledged within the hour: escalated to the general manager,
    who acknowledged it within his own period (so in time: compliance rule SEC-1); the PM is drawing up the
    solution."""
    from core import records, workflow
    from core.context import acting_as
    from core.demo import REQUEST_ID

    from .services import apply_rules, escalate_due

    with acting_as(users["svc_staff"], request_id=REQUEST_ID):
        incident = apply_rules(ticket.contract, None, [ticket.pk], users["svc_staff"])[0]
    # The report came in 90 minutes ago (the demo is loaded at once): the reminder job finds it late.
    _backdate(incident, timezone.now() - timedelta(minutes=90))
    escalate_due()
    gm = users["gm"]
    with acting_as(gm, request_id=REQUEST_ID):
        incident.refresh_from_db()
        workflow.fire(incident, "acknowledge", gm, comment="总监出差，已代为确认并通知项目经理。")
    with acting_as(users["svc_manager"], request_id=REQUEST_ID):
        incident.refresh_from_db()
        before = _snap(incident)
        incident.project_manager = users["pm"]
        records.update(incident, users["svc_manager"], before)


def _draft(users, contract):
    """A report the service engineer is still writing (no ticket yet: a phone call from the customer)."""
    from core import records
    from core.context import acting_as
    from core.demo import REQUEST_ID

    from .models import SecurityIncident

    staff = users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        records.create(SecurityIncident(contract=contract, title="客户来电：疑似钓鱼邮件",
                                        owner_department=staff.department,
                                        description="客户财务部收到仿冒邮件，要求核实。"),
                       staff)


def _backdate(incident, when):
    """Move the incident's opening and report back in time (before the escalation's audit entry snapshots it)."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import TransitionLog

    from .models import SecurityIncident

    SecurityIncident.objects.filter(pk=incident.pk).update(reported_at=when, created=when)
    TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(incident), object_id=incident.pk,
                                 transition="report").update(at=when)


def _snap(obj):
    from core import audit

    return audit.snapshot(type(obj).objects.get(pk=obj.pk))
