"""What service data adds to earlier stages' pages (registered in ServiceDataConfig.ready, never imported by them)."""

from core.extensions import register_detail_panel
from core.permissions import allowed

from .models import Connector, Ticket


def contract_service_links(contract, user):
    """For the contract page: links to its tickets and SLA dashboard, for those who may see service data."""
    return {} if allowed(user, Ticket, "view") else None


def contract_connectors(contract, user):
    """For the contract page: the connectors pulling its tickets and their state, a failing one highlighted; shown
    when there is one, or to whoever may add one."""
    if not allowed(user, Connector, "view"):
        return None
    connectors = list(Connector.objects.restrict(user, "view").filter(contract=contract).order_by("name"))
    can_add = allowed(user, Connector, "add")
    if not connectors and not can_add:
        return None
    return {"connectors": connectors, "can_add": can_add}


def register():
    register_detail_panel("contracts.contract", "servicedata/panels/contract_links.html", contract_service_links)
    register_detail_panel("contracts.contract", "servicedata/panels/contract_connectors.html", contract_connectors)
