"""What procurement adds to earlier stages' pages (registered in ProcurementConfig.ready, never imported by them):
"Draft procurement plan" on a contract, or its review, that involves procurement, and the contract's procurement
plans as a panel on the contract's page."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.extensions import Action, register_action, register_detail_panel
from core.permissions import allowed

from .models import ProcurementPlan

SHOWN = 10


def plans_of(contract):
    """The plans of a contract (any of its versions)."""
    return ProcurementPlan.objects.filter(contract__number=contract.number)


def draft_plan_url(contract, review=None):
    query = {"contract": contract.pk}
    if review is not None:
        query["contract_review"] = review.pk
    return f"{reverse('procurement:procurementplan_add')}?{urlencode(query)}"


def _may_draft(contract, user):
    return contract.involves_procurement and allowed(user, ProcurementPlan, "add") \
        and allowed(user, ProcurementPlan(contract=contract), "add")


def draft_plan_from_contract(contract, user):
    if not _may_draft(contract, user) or contract.status in ("draft", "superseded"):
        return
    review = contract.reviews.order_by("-version", "-pk").first()
    yield Action(_t("Draft procurement plan"), draft_plan_url(contract, review), "cart-plus", "draft-procurement-plan")


def draft_plan_from_review(review, user):
    contract = review.contract
    if review.status == "draft" or not _may_draft(contract, user):
        return
    yield Action(_t("Draft procurement plan"), draft_plan_url(contract, review), "cart-plus", "draft-procurement-plan")


def contract_plans(contract, user):
    """On the contract's page: its procurement plans, newest first (when it involves procurement or has any)."""
    if not allowed(user, ProcurementPlan, "view"):
        return None
    rows = ProcurementPlan.objects.restrict(user, "view").filter(contract__number=contract.number) \
        .latest_versions().order_by("-created")
    count = rows.count()
    if not contract.involves_procurement and not count:
        return None
    return {"plans": list(rows[:SHOWN]), "count": count,
            "add_url": draft_plan_url(contract) if _may_draft(contract, user) else "",
            "list_url": f"{reverse('procurement:procurementplan_list')}?contract={contract.pk}"}


def register():
    register_action("contracts.contract", draft_plan_from_contract)
    register_action("contracts.contractreview", draft_plan_from_review)
    register_detail_panel("contracts.contract", "procurement/panels/contract_plans.html", contract_plans)
