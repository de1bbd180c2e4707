"""Who may read and mark notifications (core.permissions): everyone reads, and only their own (the models'
restrict_rows); the staff mark theirs read and choose how they are told (the auditor, who changes nothing,
only reads); nobody writes or deletes one by hand, the reminder job does."""

from core import scopes
from core.permissions import declare
from core.roles import EVERYONE, STAFF
from core.roles import Role as R

# A customer contact has an inbox too (acceptance waiting, a report issued): theirs only, like everyone's.
INBOX = EVERYONE | {R.CUSTOMER}
declare({
    "notifications.notification": {"view": INBOX, "change": STAFF | {R.CUSTOMER}, "add": set(), "delete": set()},
    "notifications.notificationpreference": {"view": INBOX, "change": STAFF | {R.CUSTOMER}, "add": set(),
                                             "delete": set()},
})

# ---- shared with the customer: their own notifications and settings (the models' restrict_rows say the same) ----
scopes.share("notifications.notification", lambda rows, user: rows.filter(recipient=user), personal=True)
scopes.share("notifications.notificationpreference", lambda rows, user: rows.filter(user=user), personal=True)
