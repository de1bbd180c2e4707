"""Demo notifications, loaded last by `manage.py load_demo` (idempotent): the reminder job's first run (in the late
pass), so every demo user's bell shows what their work queue holds; the general manager reads e-mail as a daily
digest."""

from django.db import transaction
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from .choices import EmailMode
from .models import NotificationPreference
from .services import send_reminders
from .tasks import send_reminders_task


def load(context):
    general_manager = context.users.get("gm")
    if general_manager is not None:
        NotificationPreference.objects.get_or_create(user=general_manager,
                                                     defaults={"email_mode": EmailMode.DIGEST})


def finish(context):
    """After every app's late pass too (the management review's transitions): the first run covers the demo's own
    transitions, whose reminder run (notifications.signals, on commit) is then not left waiting in the queue."""
    transaction.on_commit(first_run)


def first_run():
    DBTaskResult.objects.ready().filter(task_path=send_reminders_task.module_path).delete()
    # The demo's people are fictional: as load_demo's own e-mails, the first run's go to no one.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        send_reminders()
