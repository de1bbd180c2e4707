"""What to monitor about background work: live workers, abandoned tasks and the queue's age (core.workers).

Exits with status 1 when a task is abandoned or tasks wait with no live worker, so a monitoring check can run it.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from core import workers


class Command(BaseCommand):
    help = "Show live background workers, running, abandoned and queued tasks, and the oldest queued task's age."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="One JSON object (for monitoring).")

    def handle(self, *, as_json=False, **options):
        health = workers.health()
        figures = {"workers": health.workers, "running": health.running, "abandoned": health.abandoned,
                   "queued": health.queued, "oldest_queued_seconds": health.oldest_queued_seconds, "ok": health.ok}
        if as_json:
            self.stdout.write(json.dumps(figures))
        else:
            for name, value in figures.items():
                self.stdout.write(f"{name}: {value}")
        if not health.ok:
            raise CommandError("background work needs attention: abandoned tasks, or queued tasks and no worker")

