"""What service data adds to earlier stages' pages (registered in ServiceDataConfig.ready, never imported by them)."""

from core.extensions import register_detail_panel
from core.permissions import allowed

from .models import Ticket


def contract_service_links(contract, user):
    """For the contract page: links to its tickets and SLA dashboard, for those who may see service data."""
    return {} if allowed(user, Ticket, "view") else None


def register():
    register_detail_panel("contracts.contract", "servicedata/panels/contract_links.html", contract_service_links)
