"""Who may read and mark notifications (core.permissions): everyone reads, and only their own (the models'
restrict_rows); the staff mark theirs read and choose how they are told (the auditor, who changes nothing,
only reads); nobody writes or deletes one by hand, the reminder job does."""

from core.permissions import declare
from core.roles import EVERYONE, STAFF

declare({
    "notifications.notification": {"view": EVERYONE, "change": STAFF, "add": set(), "delete": set()},
    "notifications.notificationpreference": {"view": EVERYONE, "change": STAFF, "add": set(), "delete": set()},
})
