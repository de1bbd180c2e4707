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
    # The certification body's auditor during an external audit (assurance.engagements): reads what the internal
    # auditor reads (core.permissions derives it), only inside the audit sample and only while the access window
    # of the engagement is open (org: a role assignment valid over that window); never writes but for evidence packs
    # of the sample.
    EXTERNAL_AUDITOR = "external_auditor", _("External auditor")
    ADMIN = "admin", _("Administrator")
    # A person of the customer's organisation (a customer contact who signs in): confined to their own
    # organisation and to what is shared with the customer; granted nothing unless a matrix row names it.
    CUSTOMER = "customer", _("Customer contact")


# Everyone of the company. The external auditor is not: it reads wherever the auditor does (core.permissions) and is
# given nothing else, so no row written for "everyone" or the staff ever lets it write.
EVERYONE = frozenset(Role.values) - {Role.CUSTOMER, Role.EXTERNAL_AUDITOR}
STAFF = EVERYONE - {Role.AUDITOR}
# The roles that read wherever the auditor reads: the company's auditor, and the external auditor within its sample.
AUDITORS = frozenset({Role.AUDITOR, Role.EXTERNAL_AUDITOR})
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


def may_sign_in(user) -> bool:
    """An account signs in, and its sessions and API tokens work, only while it holds a role valid now (a time-limited
    role ends with its window: org.RoleAssignment)."""
    return bool(user.own_roles)


# What the sign-in page, the API's token and its refusals say to an account holding no role valid now.
ACCESS_ENDED = _("This account holds no role valid now (a time-limited access has ended or has not begun yet); "
                 "ask the company's administrator.")


# A model shared with the customer: everyone of the company reads it, and so does a customer contact, of their
# own organisation and only what the model's app shares (core.scopes.share).
READ_ALL_AND_CUSTOMER = READ_ALL | {Role.CUSTOMER}
