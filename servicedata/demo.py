"""Demo service data: the signed 温州水务 contract's tickets, outages and maintenance windows for every full
month it has run (up to six), and those of the ended cut-over support contract over its whole period (July to
September 2026), generated and imported as the Service Department would (idempotent; audited).

The first contract also reads its customer's ServiceNow incident export through an approved import profile, drafted
from the built-in by the Service Department staff and approved by its manager; one export was imported through it,
its planning items left out by the profile (the import's quality report lists them; no ticket is added, so the
demo's SLA figures stay those of the generated tickets).

`make setup` adds more history for the other contracts in force (generate_service_data --skip-existing).
"""

import hashlib
from datetime import datetime, time, timedelta

from contracts.demo import CHAIN_TITLE, FINISHED_TITLE
from contracts.models import Contract
from core import records, workflow
from core.choices import RecordStatus
from core.context import acting_as
from core.demo import REQUEST_ID

from . import sla
from .generator import generate_tickets, outage_plan
from .importer import TicketImport
from .models import ImportProfile, MaintenanceWindow, Outage, Ticket

TICKETS_PER_MONTH = 300
FINISHED_TICKETS_PER_MONTH = 120
MAX_MONTHS = 6
SEED = 1
FINISHED_SEED = 2


def load(context):
    staff = context.users["svc_staff"]
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is not None:
        end, months = full_months(contract)
        _import(contract, staff, end, months, TICKETS_PER_MONTH, SEED)
        profile = _profile(contract, staff, context.users["svc_manager"])
        _servicenow_import(contract, staff, profile, end)
    finished = Contract.objects.signed().filter(title=FINISHED_TITLE).first()
    if finished is not None:
        end, months = whole_period(finished)
        _import(finished, staff, end, months, FINISHED_TICKETS_PER_MONTH, FINISHED_SEED)


def _import(contract, staff, end, months, per_month, seed):
    """Generate and import `months` months of tickets before `end`, with their outages and maintenance windows,
    unless the contract has tickets already."""
    if not months or Ticket.objects.filter(contract__number=contract.number).exists():
        return
    with acting_as(staff, request_id=REQUEST_ID):
        rows = list(generate_tickets(contract, per_month * months, seed, months, end=end))
        result = TicketImport(contract, staff, external_system="ITSM").run(
            lambda: enumerate(rows, start=2), name="ITSM 导出（演示数据）", sha256="")
        assert not result.rejected, result.errors[:3]
        outages, windows = outage_plan(contract, seed, months, end=end)
        for model, items in ((Outage, outages), (MaintenanceWindow, windows)):
            for item in items:
                records.create(model(contract=contract, **item), staff)


def _profile(contract, staff, manager):
    """The contract's approved import profile for its ServiceNow export, from the built-in (unless it has one)."""
    from .intake import builtin
    from .intake.profiles import profile_from_spec

    existing = ImportProfile.objects.filter(contract__number=contract.number).order_by("-version").first()
    if existing is not None:
        return existing
    spec = builtin.get("servicenow-table")
    with acting_as(staff, request_id=REQUEST_ID):
        profile = profile_from_spec(spec, contract, staff, title=f"{contract.customer.name} ServiceNow 事件导出")
        workflow.fire(profile, "submit", staff, "按客户 ServiceNow 导出核对列名与取值")
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(profile, "approve", manager, "同意")
    profile.refresh_from_db()
    assert profile.status == RecordStatus.APPROVED, profile.status
    return profile


# Planning items in the customer's export: ServiceNow's priority "5 - Planning" is no incident the SLA measures.
PLANNING = (("INC0031041", "规划第三季度机房巡检", 3), ("INC0031052", "规划终端操作系统升级", 9),
            ("INC0031077", "评估备份系统扩容方案", 16))


def _servicenow_import(contract, staff, profile, end):
    """One ServiceNow export read through the contract's profile, as one audited import job with its quality
    report (unless the profile was used already)."""
    from .choices import ImportSource
    from .models import ImportJob
    from .services import import_records

    if ImportJob.objects.filter(contract__number=contract.number, profile__number=profile.number).exists():
        return
    zone = sla.contract_zone(contract)
    opened = (end or datetime.now(zone)).astimezone(zone) - timedelta(days=28)
    items = [{"number": number, "short_description": summary, "priority": "5 - Planning", "state": "New",
              "category": "inquiry", "opened_at": (opened + timedelta(days=day, hours=1)).strftime("%Y-%m-%d %H:%M:%S")}
             for number, summary, day in PLANNING]
    spec = profile.spec()
    with acting_as(staff, request_id=REQUEST_ID):
        job = import_records(contract, staff, lambda: spec.records(items), source=ImportSource.FILE, spec=spec,
                             profile=profile, name="incident.csv（ServiceNow 导出）",
                             sha256=hashlib.sha256(repr(items).encode()).hexdigest())
    assert job.excluded_count == len(PLANNING), (job.status, job.message)


def whole_period(contract):
    """(the day after the contract's end, at midnight in its zone; its months) for a contract that has ended,
    else (None, 0)."""
    zone = sla.contract_zone(contract)
    end = datetime.combine(contract.end_date + timedelta(days=1), time(), zone)
    if end > datetime.now(zone):
        return None, 0
    start = contract.start_date
    return end, (end.year - start.year) * 12 + end.month - start.month


def full_months(contract):
    """(start of this month in the contract's zone, number of whole months the contract has run before it)."""
    today = datetime.now(sla.contract_zone(contract))
    end = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = contract.start_date
    months = (end.year - start.year) * 12 + end.month - start.month - (start.day > 1)
    return end, max(0, min(months, MAX_MONTHS))
