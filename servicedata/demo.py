"""Demo service data: the signed 温州水务 contract's tickets, outages and maintenance windows for every full
month it has run (up to six), generated and imported as the Service Department would (idempotent; audited).

`make setup` adds more history for the other contracts in force (generate_service_data --skip-existing).
"""

from datetime import datetime

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import records
from core.context import acting_as
from core.demo import REQUEST_ID

from . import sla
from .generator import generate_tickets, outage_plan
from .importer import TicketImport
from .models import MaintenanceWindow, Outage, Ticket

TICKETS_PER_MONTH = 300
MAX_MONTHS = 6
SEED = 1


def load(context):
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    if contract is None or Ticket.objects.filter(contract__number=contract.number).exists():
        return
    end, months = full_months(contract)
    if not months:
        return
    staff = context.users["svc_staff"]
    with acting_as(staff, request_id=REQUEST_ID):
        rows = list(generate_tickets(contract, TICKETS_PER_MONTH * months, SEED, months, end=end))
        result = TicketImport(contract, staff, external_system="ITSM").run(
            lambda: enumerate(rows, start=2), name="ITSM 导出（演示数据）", sha256="")
        assert not result.rejected, result.errors[:3]
        outages, windows = outage_plan(contract, SEED, months, end=end)
        for model, items in ((Outage, outages), (MaintenanceWindow, windows)):
            for item in items:
                records.create(model(contract=contract, **item), staff)


def full_months(contract):
    """(start of this month in the contract's zone, number of whole months the contract has run before it)."""
    today = datetime.now(sla.contract_zone(contract))
    end = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = contract.start_date
    months = (end.year - start.year) * 12 + end.month - start.month - (start.day > 1)
    return end, max(0, min(months, MAX_MONTHS))
