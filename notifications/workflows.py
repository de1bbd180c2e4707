"""Who may read and mark notifications (core.permissions): everyone, and only their own (the models'
restrict_rows); nobody writes or deletes one by hand, the reminder job does."""

from core.permissions import declare
from core.roles import EVERYONE

declare({
    "notifications.notification": {"view": EVERYONE, "change": EVERYONE, "add": set(), "delete": set()},
    "notifications.notificationpreference": {"view": EVERYONE, "change": EVERYONE, "add": set(), "delete": set()},
})
