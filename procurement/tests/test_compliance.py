"""SUP-1: a supplier used (ordered, delivered, accepted) on a date it was not qualified, without an approved
exception. The demo's server purchase (a qualified winner, delivered and accepted in time) is compliant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import compliance, records
from core.compliance import CheckScope
from core.context import acting_as
from core.display import readable
from procurement import services
from procurement.models import Purchase
from procurement.tests.helpers import approved_plan, change, new_supplier, purchase_of, qualified_supplier
from suppliers.models import Certificate

pytestmark = pytest.mark.django_db


def found():
    return {v.key: v for v in compliance.get("SUP-1").find(CheckScope(timezone.localdate()))}


def test_the_demos_purchases_are_compliant(demo):
    assert Purchase.objects.filter(accepted_on__isnull=False).exists()
    assert found() == {}


def test_delivered_after_the_suppliers_certificate_lapsed(demo):
    today = timezone.localdate()
    with acting_as(demo["commerce"]):
        plan = approved_plan(demo)
    purchase = purchase_of(plan)
    supplier = qualified_supplier()
    with acting_as(demo["svc_staff"]):
        change(purchase, demo["svc_staff"], supplier=supplier, requested_on=today - timedelta(days=5),
               ordered_on=today - timedelta(days=4), amount=1000)
    assert str(purchase.pk) not in found()
    with acting_as(demo["commerce"]):
        records.create(Certificate(supplier=supplier, name="交换机原厂授权书", valid_until=today - timedelta(days=1)),
                       demo["commerce"])
    with acting_as(demo["svc_staff"]):
        change(purchase, demo["svc_staff"], delivered_on=today, delivered_quantity=1)
    violation = found()[str(purchase.pk)]
    assert violation.obj == plan and violation.occurred == today and "qualified only until" in readable(
        violation.message)


def test_an_approved_exception_covers_an_unlisted_supplier(demo):
    today = timezone.localdate()
    with acting_as(demo["commerce"]):
        plan = approved_plan(demo)
        unlisted = new_supplier(demo)
    purchase = purchase_of(plan)
    with acting_as(demo["svc_staff"]):
        change(purchase, demo["svc_staff"], supplier=unlisted)
        services.request_exception(purchase, demo["svc_staff"], "唯一具备该型号备件的供方")
    with acting_as(demo["commerce"]):
        services.decide_exception(purchase, demo["commerce"], True, "同意例外")
    with acting_as(demo["svc_staff"]):
        change(purchase, demo["svc_staff"], requested_on=today, ordered_on=today, amount=1000)
    assert str(purchase.pk) not in found()
    # Legacy data: an exception withdrawn in the database after the order (the services never leave it so).
    Purchase.objects.filter(pk=purchase.pk).update(exception_status="")
    assert "not on the approved qualified supplier list" in readable(found()[str(purchase.pk)].message)
