"""`manage.py send_reminders`: run the reminder job once, here and now (without the worker or the scheduler),
e.g. from the host's cron; `--digests` sends the daily digests that are due as well."""

from django.core.management.base import BaseCommand

from ...services import send_digests, send_reminders


class Command(BaseCommand):
    help = "Notify every user of what is new in their work queue (idempotent: nothing is sent twice)."

    def add_arguments(self, parser):
        parser.add_argument("--digests", action="store_true", help="Also send the daily digests that are due.")

    def handle(self, *, digests=False, **options):
        created = send_reminders()
        sent = send_digests() if digests else 0
        self.stdout.write(f"notifications: {created} new; digests sent: {sent}")
