"""The procurement decisions pages, API, workflow conditions, demo and tests share (SP-2.6).

* who approves a plan: a major one (budget ≥ SERVPLAN_MAJOR_PROCUREMENT_AMOUNT) only Commerce, others the Service
  Department manager or Commerce; the same for approving a major plan's implementation (completing it);
* an item's implementation: request → order → delivery → acceptance in that order, each with its date; the supplier
  qualified on the order date (suppliers.services.qualification) unless Commerce approved an exception for it;
* accepting a delivery writes the supplier's performance (suppliers.services.record_performance).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit, records
from core.permissions import allowed
from core.roles import Role
from core.workflow import refuse
from suppliers.services import qualification, record_performance

from .choices import ExceptionStatus, PlanStatus
from .models import Purchase

# ---- approval routing ------------------------------------------------------------------------------------------


def acts_as_commerce(user) -> bool:
    """The person holds the Commerce role, their own or delegated to them for now."""
    return user is not None and (Role.COMMERCE in user.own_roles or Role.COMMERCE in user.delegated_roles)


def may_approve(plan, user) -> bool:
    """A major plan is approved by Commerce only; any other by whoever the matrix allows."""
    return not plan.is_major or acts_as_commerce(user)


def has_items(plan) -> bool:
    return plan.items.exists()


def every_item_accepted(plan) -> bool:
    items = list(plan.items.select_related("purchase"))
    return bool(items) and all(getattr(item, "purchase", None) is not None and item.purchase.accepted_on
                               for item in items)


# ---- the implementation ---------------------------------------------------------------------------------------

def open_purchases(plan, user):
    """On approval: one implementation row per item that has none yet (a new version keeps the copied ones)."""
    for item in plan.items.all():
        if not Purchase.objects.filter(item=item).exists():
            records.create(Purchase(item=item), user)


STAGES = (("requested_on", None), ("ordered_on", "requested_on"), ("delivered_on", "ordered_on"),
          ("accepted_on", "delivered_on"))


def check_purchase(purchase):
    """The rules of one implementation row (Purchase.clean): the plan approved, the stages in order, what each
    stage needs, the qualified supplier at the order, nothing changed once accepted."""
    plan = purchase.item.plan
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_t("%(plan)s is %(status)s: its implementation is recorded while it is approved.")
                              % {"plan": plan.number, "status": plan.get_status_display()})
    stored = Purchase.objects.filter(pk=purchase.pk).first() if purchase.pk else None
    if stored is not None and stored.accepted_on and _changed(stored, purchase):
        raise ValidationError(_t("The delivery was accepted on %(date)s: the purchase is kept as accepted.")
                              % {"date": stored.accepted_on.isoformat()})
    errors = {}
    for name, earlier in STAGES:
        value, before = getattr(purchase, name), getattr(purchase, earlier) if earlier else None
        if value and earlier and not before:
            errors[name] = _t("Record the %(stage)s first.") % {
                "stage": Purchase._meta.get_field(earlier).verbose_name}
        elif value and before and value < before:
            errors[name] = _t("This date cannot be before the %(stage)s.") % {
                "stage": Purchase._meta.get_field(earlier).verbose_name}
    if purchase.ordered_on and not purchase.supplier_id:
        errors["supplier"] = _t("Choose the supplier the order is placed with.")
    if purchase.ordered_on and purchase.amount is None:
        errors.setdefault("amount", _t("Give the ordered amount."))
    if errors:
        raise ValidationError(errors)
    if purchase.ordered_on and _order_changed(stored, purchase):
        check_qualified(purchase)


def _changed(stored, purchase):
    return audit.diff(audit.snapshot(stored), audit.snapshot(purchase))


def _order_changed(stored, purchase):
    return stored is None or stored.ordered_on is None or stored.ordered_on != purchase.ordered_on \
        or stored.supplier_id != purchase.supplier_id


def check_qualified(purchase):
    """Only a supplier qualified on the order date, unless Commerce approved an exception for this supplier."""
    if purchase.exception_approved:
        return
    result = qualification(purchase.supplier, on=purchase.ordered_on)
    if result.qualified:
        return
    advice = _t("Choose a qualified supplier, or ask Commerce to approve an exception with a reason.")
    if purchase.exception_status == ExceptionStatus.REQUESTED and purchase.exception_supplier_id == \
            purchase.supplier_id:
        advice = _t("The exception asked for is waiting for Commerce's decision.")
    raise ValidationError({"supplier": " ".join([*result.reasons, advice])})


def save_purchase(purchase, user, before=None):
    """Write an implementation row (page or API). A delivery accepted now writes the supplier's performance in the
    same transaction: on time when delivered by the date the item was required, with the defects found."""
    with transaction.atomic():
        newly_accepted = bool(purchase.accepted_on) and not (before or {}).get("accepted_on")
        if purchase.pk is None:
            records.create(purchase, user)
        else:
            records.update(purchase, user, before if before is not None else audit.snapshot(
                Purchase.objects.get(pk=purchase.pk)))
        if newly_accepted:
            _record_performance(purchase, user)
    return purchase


def _record_performance(purchase, user):
    item, plan = purchase.item, purchase.item.plan
    record_performance(
        purchase.supplier, delivered_on=purchase.delivered_on, due_on=item.required_by,
        quantity=purchase.delivered_quantity or item.quantity, defects=purchase.defects,
        source_label=f"{plan.number} · {item.description}", source_url=plan.get_absolute_url() + "#implementation",
        note=purchase.acceptance_note, user=user)


def accept(purchase, user, *, accepted_on=None, defects=0, note=""):
    """Accept a delivered item (the acceptance's own page and the demo)."""
    if not purchase.delivered_on:
        raise refuse(_t("Record the delivery before accepting it."), field="accepted_on")
    before = audit.snapshot(purchase)
    purchase.accepted_on = accepted_on or timezone.localdate()
    purchase.defects = defects
    purchase.acceptance_note = note
    return save_purchase(purchase, user, before)


# ---- exceptions to the qualified-supplier rule -----------------------------------------------------------------

def request_exception(purchase, user, reason):
    """Ask Commerce to allow the chosen supplier though it is not qualified, with the reason."""
    if not allowed(user, purchase, "change"):
        raise refuse(_t("Your role may not change this purchase."))
    if not purchase.supplier_id:
        raise refuse(_t("Choose the supplier first."), field="supplier")
    if not (reason or "").strip():
        raise refuse(_t("Give the reason for choosing a supplier that is not qualified."), field="exception_reason")
    if purchase.ordered_on:
        raise refuse(_t("The order is placed already."), field="exception_reason")
    return _write_exception(purchase, user, exception_supplier=purchase.supplier, exception_reason=reason.strip(),
                            exception_status=ExceptionStatus.REQUESTED, exception_decided_by=None,
                            exception_decided_at=None, exception_comment="")


def decide_exception(purchase, user, approve, comment=""):
    """Commerce approves or refuses an exception asked for."""
    if not allowed(user, purchase, "approve_exception"):
        raise refuse(_t("Only the Commerce Department decides exceptions to the qualified supplier list."))
    if purchase.exception_status != ExceptionStatus.REQUESTED:
        raise refuse(_t("No exception is waiting for a decision on this purchase."))
    if not approve and not (comment or "").strip():
        raise refuse(_t("Say why the exception is refused."), field="exception_comment")
    return _write_exception(purchase, user, exception_comment=(comment or "").strip(),
                            exception_status=ExceptionStatus.APPROVED if approve else ExceptionStatus.REFUSED,
                            exception_decided_by=user, exception_decided_at=timezone.now())


def _write_exception(purchase, user, **values):
    before = audit.snapshot(purchase)
    for name, value in values.items():
        setattr(purchase, name, value)
    return save_purchase(purchase, user, before)
