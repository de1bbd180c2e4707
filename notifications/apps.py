from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core import schedule
        from core.models import TransitionLog

        from .signals import on_transition
        from .tasks import send_digests_task, send_reminders_task

        schedule.register(send_reminders_task, "SERVPLAN_REMINDER_CRON")
        schedule.register(send_digests_task, "SERVPLAN_DIGEST_CRON")
        post_save.connect(on_transition, sender=TransitionLog, dispatch_uid="notifications.on_transition")
