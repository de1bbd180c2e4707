"""Who may manage the organisation, and its menu entries (core.permissions, core.navigation)."""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare
from core.roles import READ_ALL, STAFF
from core.roles import Role as R

ADMIN = {R.ADMIN}
declare({
    "org.department": crud(ADMIN),
    "org.user": {**crud(ADMIN), "delete": set()},
    "org.roleassignment": {"view": READ_ALL, "add": ADMIN, "delete": ADMIN},
    # Anyone may delegate their own approvals; the rows are restricted to their own.
    "org.delegation": {**crud(STAFF), "delete": set()},
})
navigation.add("admin", _("Departments"), "org:department_list", "org.department",
               roles={R.ADMIN})
navigation.add("admin", _("Users"), "org:user_list", "org.user",
               roles={R.ADMIN})
navigation.add("admin", _("Delegations"), "org:delegation_list", "org.delegation",
               roles={R.ADMIN})
