"""What information security adds to earlier stages' pages (registered in SecurityConfig.ready): the "Mark as
information security" button on a ticket, and the incidents panel on a ticket's and a contract's page, only for
those who may see the incidents (restrict_rows)."""

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.extensions import Action, register_action, register_detail_panel
from core.permissions import allowed

from .models import SecurityIncident

SHOWN = 10


def register():
    register_action("servicedata.ticket", mark_ticket)
    register_detail_panel("servicedata.ticket", "security/panels/incidents.html", ticket_incidents)
    register_detail_panel("contracts.contract", "security/panels/incidents.html", contract_incidents)


def mark_ticket(ticket, user):
    if allowed(user, SecurityIncident, "add") and not ticket.security_incidents.exists():
        yield Action(_t("Mark as information security"), reverse("security:mark_ticket", args=[ticket.pk]),
                     "shield-exclamation", "mark-security")


def _panel(incidents, list_url):
    found = list(incidents.order_by("-pk")[:SHOWN + 1])
    if not found:
        return None
    return {"incidents": found[:SHOWN], "more": max(incidents.count() - SHOWN, 0), "list_url": list_url}


def ticket_incidents(ticket, user):
    return _panel(SecurityIncident.objects.restrict(user, "view").filter(tickets=ticket),
                  reverse("security:securityincident_list"))


def contract_incidents(contract, user):
    return _panel(SecurityIncident.objects.restrict(user, "view").filter(contract__number=contract.number),
                  reverse("security:securityincident_list") + f"?contract={contract.pk}")
