"""Demo notifications, loaded last by `manage.py load_demo` (idempotent): the reminder job's first run, so every
demo user's bell shows what their work queue holds; the general manager reads e-mail as a daily digest."""

from .choices import EmailMode
from .models import NotificationPreference
from .services import send_reminders


def load(context):
    general_manager = context.users.get("gm")
    if general_manager is not None:
        NotificationPreference.objects.get_or_create(user=general_manager,
                                                     defaults={"email_mode": EmailMode.DIGEST})
    send_reminders()
