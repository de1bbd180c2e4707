"""Process-compliance rule of procurement (SP-2.6): a supplier is used only while qualified, unless Commerce approved
an exception for it.

Placing an order checks the supplier's qualification on the order date (services.check_qualified), but a supplier
can lapse between the order and the delivery or its acceptance, and orders recorded before that check (imported,
or edited in the database) never met it. The rule reads every order of the latest plan versions in one query and
asks `suppliers.services.qualifications` once for all their suppliers: with the qualified list in force, a supplier
is qualified on a date when it is listed and the date is not after `until`, the first date its qualification lapses
(the list's re-approval date, its entry's date, a certificate's expiry), so one answer serves every date.
"""

from datetime import date

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.compliance import Severity, Violation, rule
from core.display import EMPTY, message
from suppliers.services import qualifications

from .choices import ExceptionStatus
from .models import Purchase

# The dates a supplier is used on, in the purchase's order.
USES = ("ordered_on", "delivered_on", "accepted_on")


def first_unqualified_use(purchase, listed, until):
    """The first date the purchase used its supplier while not qualified, or None."""
    for name in USES:
        used_on = getattr(purchase, name)
        if used_on and (not listed or (until is not None and used_on > until)):
            return used_on
    return None


@rule("SUP-1", clause="8.3.4.1", severity=Severity.MAJOR, sp="SP-2.6",
      title=_("Supplier used while not qualified"),
      explanation=_("A supplier is ordered from, and its delivery received and accepted, only while it is qualified "
                    "(on the approved qualified supplier list in force, its entry, the list and its certificates "
                    "not lapsed), unless the Commerce Department approved an exception for that purchase (procedure "
                    "2.6). Found: a purchase ordered, delivered or accepted on a date its supplier was not qualified, "
                    "without an approved exception."))
def unqualified_supplier_used(scope):
    purchases = list(scope.narrow(Purchase.objects.filter(
        supplier__isnull=False, ordered_on__isnull=False, item__plan__successor__isnull=True),
        "item__plan__contract")
        .exclude(Q(exception_status=ExceptionStatus.APPROVED) & Q(exception_supplier=F("supplier")))
        .select_related("item__plan", "supplier").order_by("pk"))
    if not purchases:
        return
    suppliers = {p.supplier_id: p.supplier for p in purchases}.values()
    # Asked on the earliest date no lapse can precede, the service says whether each supplier is listed at all.
    answers = qualifications(suppliers, on=date.min)
    for purchase in purchases:
        answer = answers[purchase.supplier_id]
        used_on = first_unqualified_use(purchase, answer.qualified, answer.until)
        if used_on is None:
            continue
        params = {"item": purchase.item.description, "plan": purchase.item.plan.number,
                  "supplier": purchase.supplier.name, "date": used_on,
                  **{name: getattr(purchase, name) or EMPTY for name in USES}}
        if answer.qualified:
            text = message(gettext_noop("%(item)s of %(plan)s: %(supplier)s used on %(date)s (ordered %(ordered_on)s, "
                                        "delivered %(delivered_on)s, accepted %(accepted_on)s) though qualified only "
                                        "until %(until)s, without an approved exception."),
                           until=answer.until, **params)
        else:
            text = message(gettext_noop("%(item)s of %(plan)s: %(supplier)s used on %(date)s (ordered %(ordered_on)s, "
                                        "delivered %(delivered_on)s, accepted %(accepted_on)s) though not on the "
                                        "approved qualified supplier list, without an approved exception."), **params)
        yield Violation(purchase.item.plan, text, key=str(purchase.pk), occurred=used_on,
                        related=(purchase.supplier,))
