"""What problem management adds to earlier stages' pages (registered in ProblemsConfig.ready, never imported by
them): "Open problem" on a ticket, the contract's problems as a panel on the contract's page."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.extensions import Action, register_action, register_detail_panel
from core.permissions import allowed

from .models import Problem

SHOWN = 10


def open_problem_from_ticket(ticket, user):
    """On a ticket: draft a problem of its contract with the ticket linked and its category and item."""
    if not allowed(user, Problem, "add") or not allowed(user, Problem(contract=ticket.contract), "add"):
        return
    query = urlencode({"contract": ticket.contract_id, "ticket": ticket.pk})
    yield Action(_t("Open problem"), f"{reverse('problems:problem_add')}?{query}", "bug", "open-problem")


def contract_problems(contract, user):
    """On the contract's page: its problems (every version of the contract), newest first."""
    if not allowed(user, Problem, "view"):
        return None
    rows = Problem.objects.restrict(user, "view").filter(contract__number=contract.number).order_by("-created")
    return {"problems": list(rows[:SHOWN]), "count": rows.count(),
            "add_url": f"{reverse('problems:problem_add')}?contract={contract.pk}"
            if allowed(user, Problem(contract=contract), "add") else "",
            "list_url": f"{reverse('problems:problem_list')}?contract={contract.pk}",
            "candidates_url": f"{reverse('problems:candidates')}?contract={contract.pk}"}


def register():
    register_action("servicedata.ticket", open_problem_from_ticket)
    register_detail_panel("contracts.contract", "problems/panels/contract_problems.html", contract_problems)
