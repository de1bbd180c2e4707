"""django-tasks-db's `db_worker` with a lease (core.workers), and `--supervise` to keep one running.

Core comes before django_tasks_db in INSTALLED_APPS, so this command is the one `manage.py db_worker` runs:
every worker of the project holds a lease, and no worker can leave a task RUNNING for ever.
"""

import os
import sys

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core import workers
from core.supervisor import Supervisor


class LeasedWorker(db_worker.Worker):
    """A worker that beats its lease and sweeps abandoned tasks while it runs (core.workers.Heartbeat)."""

    def run(self):
        workers.register(self.worker_id)
        heartbeat = workers.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()
            workers.unregister(self.worker_id)


class Command(db_worker.Command):
    help = ("Run a background worker that holds a lease (a task left by a worker that died is run again or "
            "failed); --supervise keeps one running and restarts it when it dies.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--supervise", action="store_true",
                            help="Run the worker as a child process and start a new one whenever it dies.")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, supervise=False, **options):
        self.configure_logging(verbosity)
        if exclude_queues and "*" not in queue_name.split(","):
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if supervise:
            Supervisor(self.child_command(verbosity, queue_name, interval, backend_name, exclude_queues)).run()
            return
        worker = LeasedWorker(queue_names=queue_name.split(","), interval=interval, batch=batch,
                              backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
                              worker_id=worker_id,
                              excluded_queue_names=exclude_queues.split(",") if exclude_queues else [])
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child of the reloader handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

    @staticmethod
    def child_command(verbosity, queue_name, interval, backend_name, exclude_queues):
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--no-reload",
                   "--verbosity", str(verbosity), "--queue-name", queue_name, "--interval", str(interval),
                   "--backend", backend_name]
        return command + (["--exclude-queues", exclude_queues] if exclude_queues else [])
