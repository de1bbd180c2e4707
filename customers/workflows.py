"""Who may keep customers and what pre-sales learns about them (SP-4.1.1, SP-4.1.2), and the menu entry."""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare
from core.roles import Role as R

CUSTOMER_EDITORS = {R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
declare({
    "customers.customer": crud(CUSTOMER_EDITORS, delete={R.ADMIN}),
    # sign_in: give a contact their own sign-in to the customer's view, or take it back (portal.services).
    "customers.contact": {**crud(CUSTOMER_EDITORS), "sign_in": {R.SALES, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.ADMIN}},
    "customers.configurationitem": crud(CUSTOMER_EDITORS),
    "customers.operatingdata": crud(CUSTOMER_EDITORS),
})
navigation.add("presales", _("Customers"), "customers:customer_list", "customers.customer",
               roles={R.SALES, R.SERVICE_MANAGER})
