from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain
from core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and that audited rows still match their last audited state."

    def add_arguments(self, parser):
        parser.add_argument("--chain-only", action="store_true", help="Skip comparing audited rows with the log.")

    def handle(self, *args, **options):
        problems = list(verify_chain(check_rows=not options["chain_only"]))
        if problems:
            for seq, message in problems:
                self.stderr.write(f"BROKEN at #{seq}: {message}")
            raise CommandError(f"audit trail verification failed: first break at entry #{problems[0][0]}")
        self.stdout.write(self.style.SUCCESS(f"OK: {AuditEntry.objects.count()} entries, chain intact"))
