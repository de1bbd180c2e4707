"""The roles of SPEC section 2 (plus auditor and administrator): what the permission matrix is written in.

They are the procedure's, not one app's, so they live with the matrix; org assigns them to people.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GENERAL_MANAGER = "general_manager", _("General Manager")
    MANAGEMENT_REP = "management_rep", _("Management Representative")
    TSD_DIRECTOR = "tsd_director", _("Technical Service Division Director")
    TSD_STAFF = "tsd_staff", _("Technical Service Division staff")
    SERVICE_MANAGER = "service_manager", _("Service Department Manager")
    SERVICE_STAFF = "service_staff", _("Service Department staff")
    PROJECT_MANAGER = "project_manager", _("Project Manager")
    TEAM_MEMBER = "team_member", _("Project team member")
    COMMERCE = "commerce", _("Commerce Department")
    SALES = "sales", _("Sales Department")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")
    # A person of the customer's organisation (a customer contact who signs in): confined to their own
    # organisation and to what is shared with the customer; granted nothing unless a matrix row names it.
    CUSTOMER = "customer", _("Customer contact")


EVERYONE = frozenset(Role.values) - {Role.CUSTOMER}  # everyone of the company
STAFF = EVERYONE - {Role.AUDITOR}
READ_ALL = EVERYONE
# The roles of people outside the company: a person holding only these sees the customer's own view (portal) and
# what is shared with the customer, never the company's pages (core.middleware.OutsidePagesMiddleware).
OUTSIDE = frozenset({Role.CUSTOMER})


def is_outside(user) -> bool:
    """Whether the signed-in person holds only outside roles (a customer contact)."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = user.own_roles
    return bool(roles) and roles <= OUTSIDE


# A model shared with the customer: everyone of the company reads it, and so does a customer contact, of their
# own organisation and only what the model's app shares (core.scopes.share).
READ_ALL_AND_CUSTOMER = READ_ALL | {Role.CUSTOMER}
