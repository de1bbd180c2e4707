"""Planted violations: closure (CLS-1, CLS-2), security (SEC-1), procurement (SUP-1), improvement (IMP-1).

Written on the demo's own records through the services people use; the two closure rules only by editing the
database, since ServPlan refuses to close a project, or to change its records once closed, the way they arise.
Nothing here is approved, so no approval rule is touched; no record of a contract's reports or a project's plans
is written."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from closure.demo import finished_project
from closure.models import AcceptanceCertificate, ProjectClosure, SummaryReport
from closure.services.acceptance import certificate_of
from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import audit, records, workflow
from core.context import acting_as
from core.models import TransitionLog
from improvement import services as improvements
from improvement.choices import MeasureKind, SourceKind
from improvement.models import Improvement
from procurement import services as procurement
from procurement.demo import SPARES_TITLE
from procurement.models import ProcurementPlan, Purchase
from security.choices import IncidentStatus
from security.models import SecurityIncident
from security.services import escalate_due
from suppliers.choices import SupplierCategory
from suppliers.models import Certificate
from suppliers.services import list_in_force, qualification

from . import Expected


def plant(demo):
    return [*closed_without_summary_and_acceptance(), incident_left_unacknowledged(demo),
            supplier_lapsed_before_delivery(demo), improvement_overdue(demo)]


def closed_without_summary_and_acceptance():
    """The demo's closed project: its summary's approval moved after the closing and its accepted certificate
    reworded, both in the database (tampered data: once closed, no service changes them)."""
    project = finished_project()
    closed_at = ProjectClosure.objects.filter(project=project, closed_at__isnull=False).latest("closed_at").closed_at
    SummaryReport.objects.filter(project=project, status="approved").update(approved_at=closed_at + timedelta(days=3))
    cert = certificate_of(project)
    AcceptanceCertificate.objects.filter(pk=cert.pk).update(statement=cert.statement + "（含二期扩容）")
    return [Expected("CLS-1", project), Expected("CLS-2", project)]


def incident_left_unacknowledged(demo):
    """The demo's draft incident (the customer's phone call) reported by the service engineer; three hours on, the
    director and then the general manager (the whole escalation chain) have not acknowledged it."""
    staff = demo["svc_staff"]
    incident = SecurityIncident.objects.get(status=IncidentStatus.DRAFT, title__contains="钓鱼")
    with acting_as(staff):
        workflow.fire(incident, "report", staff)
    # The passage of time, as the demo's own escalated incident is loaded: the report came in three hours ago.
    when = timezone.now() - timedelta(hours=3)
    SecurityIncident.objects.filter(pk=incident.pk).update(reported_at=when, created=when)
    TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(incident), object_id=incident.pk,
                                 transition="report").update(at=when)
    escalate_due()
    return Expected("SEC-1", incident)


def supplier_lapsed_before_delivery(demo):
    """The demo's spares plan approved and ordered from a qualified supplier not used before; its
    parts authorisation (a certificate Commerce records) expired yesterday; the parts are delivered today."""
    staff, manager, commerce = demo["svc_staff"], demo["svc_manager"], demo["commerce"]
    today = timezone.localdate()
    used = set(Purchase.objects.filter(supplier__isnull=False).values_list("supplier", flat=True))
    supplier = next(e.supplier for e in list_in_force().entries.select_related("supplier").order_by("pk")
                    if e.supplier_id not in used and e.supplier.category == SupplierCategory.HARDWARE
                    and qualification(e.supplier, on=today).qualified)
    plan = ProcurementPlan.objects.get(title=SPARES_TITLE, successor__isnull=True)
    with acting_as(staff):
        workflow.fire(plan, "submit", staff, "备件采购计划提交审批")
    with acting_as(manager):
        workflow.fire(plan, "approve", manager, "同意")
    with acting_as(commerce):
        records.create(Certificate(supplier=supplier, name="备件原厂授权书", reference="AUTH-2026-SP",
                                   valid_until=today - timedelta(days=1)), commerce)
    purchase = Purchase.objects.get(item__plan=plan, item__position=1)
    with acting_as(staff):
        for name, value in (("supplier", supplier), ("requested_on", today - timedelta(days=8)),
                            ("amount", 10400), ("ordered_on", today - timedelta(days=6)),
                            ("delivered_on", today), ("delivered_quantity", 4)):
            before = audit.snapshot(purchase)
            setattr(purchase, name, value)
            procurement.save_purchase(purchase, staff, before)
    return Expected("SUP-1", plan, str(purchase.pk))


def improvement_overdue(demo):
    """A customer complaint typed in and started, its due date ten days ago, not implemented."""
    staff = demo["svc_staff"]
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    with acting_as(staff):
        improvement = improvements.create(Improvement(
            title="客户投诉：网点扫描仪反复卡纸", contract=contract, owner=demo["pm"],
            owner_department=staff.department, source_kind=SourceKind.COMPLAINT,
            source_label="客户信息科来函：扫描仪一月内多次报修", source_reference="来函 2026-10-20",
            measure=MeasureKind.RESPONSE, due_date=timezone.localdate() - timedelta(days=10),
            plan="更换扫描仪搓纸轮，建立每月巡检。"), staff)
        workflow.fire(improvement, "start", staff, "开始实施")
    return Expected("IMP-1", improvement)
