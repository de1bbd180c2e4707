"""`manage.py run_scheduler`: enqueue the periodic jobs on their schedule (notifications.scheduler, core.schedule);
`--supervise` keeps one running and restarts it when it dies, as `db_worker --supervise` does the worker."""

import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from core.supervisor import Supervisor

from ...scheduler import build_scheduler, schedule


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (core.schedule: reminders, digests, connector tick) on their crontabs."

    def add_arguments(self, parser):
        parser.add_argument("--supervise", action="store_true",
                            help="Run the scheduler as a child process and start a new one whenever it dies.")
        parser.add_argument("--worker-id", default="", help="Set by the supervisor; names the child in its log.")

    def handle(self, *, supervise=False, worker_id="", verbosity=1, **options):
        if supervise:
            Supervisor([sys.executable, str(settings.BASE_DIR / "manage.py"), "run_scheduler",
                        "--verbosity", str(verbosity)]).run()
            return
        scheduler = build_scheduler()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: scheduler.shutdown(wait=False))
        if verbosity:
            for task, crontab in schedule():
                self.stdout.write(f"{task.name}: {crontab} ({settings.TIME_ZONE})")
        scheduler.start()
