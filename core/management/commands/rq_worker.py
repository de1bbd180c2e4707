"""`manage.py rq_worker`: a background worker on Redis (SERVPLAN_RQ_URL; core.rq_backend), and `--supervise` to
keep one running, as `db_worker --supervise` does on the ORM backend: when the worker dies, the supervisor
resolves its job at once (run again from the start, or failed after the last attempt) and starts another."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.supervisor import Supervisor


class Command(BaseCommand):
    help = ("Run a background worker on Redis (RQ); a job left by a worker that died is run again or failed; "
            "--supervise keeps one running and restarts it when it dies.")

    def add_arguments(self, parser):
        parser.add_argument("--supervise", action="store_true",
                            help="Run the worker as a child process and start a new one whenever it dies.")
        parser.add_argument("--worker-id", default="", help="The worker's name (set by the supervisor).")
        parser.add_argument("--queue", action="append", dest="queues", help="Queue to work (default: all).")
        parser.add_argument("--worker-ttl", type=int, default=30,
                            help="Seconds an idle worker stays registered without a heartbeat (it beats every "
                                 "ttl - 15 s).")
        parser.add_argument("--maintenance-interval", type=int, default=60,
                            help="Seconds between the worker's sweeps of expired registries (abandoned jobs).")

    def handle(self, *, supervise=False, worker_id="", queues=None, worker_ttl=30, maintenance_interval=60,
               verbosity=1, **options):
        if not getattr(settings, "RQ_QUEUES", None):
            raise CommandError("Set SERVPLAN_RQ_URL (redis://…) to run background work on Redis.")
        queues = queues or list(settings.RQ_QUEUES)
        if supervise:
            from core.rq_backend import release

            command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "rq_worker", "--verbosity",
                       str(verbosity), "--worker-ttl", str(worker_ttl), "--maintenance-interval",
                       str(maintenance_interval)]
            for queue in queues:
                command += ["--queue", queue]
            Supervisor(command, release=release).run()
            return
        import django_rq
        from django_tasks_rq.backend import Job

        from core.rq_backend import Worker

        worker = Worker([django_rq.get_queue(name, job_class=Job) for name in queues], name=worker_id or None,
                        connection=django_rq.get_connection(queues[0]), job_class=Job, worker_ttl=worker_ttl,
                        maintenance_interval=maintenance_interval)
        worker.work(with_scheduler=True, logging_level="INFO" if verbosity > 1 else "WARNING")
