"""The customer contact's scope and menu (SP-4.5.1, SP-4.5.3: the customer's own view).

A customer contact (Role.CUSTOMER) is a person of the customer's organisation with a sign-in (customers.Contact
.user, given by the Service Department or Sales: portal.services). Their role is confined, with `shared=True`,
to their own organisation: the projects, contracts and the customer of the contacts they are (core.scopes). Of
those they see only what each model's own app shares with the customer (`core.scopes.share` in its
workflows.py), and only where a matrix row names Role.CUSTOMER: both must exist.
"""

from django.utils.translation import gettext_lazy as _

from core import navigation, scopes
from core.roles import Role as R


def customer_reach(user):
    """What a customer contact reaches: their own organisation(s), its contracts and its projects."""
    from contracts.models import Contract
    from customers.models import Customer
    from projects.models import Project

    mine = Customer.objects.filter(contacts__user=user).values_list("pk", flat=True)
    return {"customer": mine, "contract": Contract.objects.filter(customer__in=mine).values_list("pk", flat=True),
            "project": Project.objects.filter(customer__in=mine).values_list("pk", flat=True)}


scopes.confine({R.CUSTOMER}, reach=customer_reach, shared=True)

# The customer's menu: their own view only (core.navigation.menu_for shows nothing else to a customer contact).
navigation.add_outside(_("My service"), "portal:home")
navigation.add_outside(_("Notifications"), "notifications:notification_list")
