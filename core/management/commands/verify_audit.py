from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from core.audit import verify_chain
from core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and that audited rows still match their last audited state."

    def add_arguments(self, parser):
        parser.add_argument("--chain-only", action="store_true", help="Skip comparing audited rows with the log.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to verify.")

    def handle(self, *args, **options):
        using = options["database"]
        problems = list(verify_chain(check_rows=not options["chain_only"], using=using))
        if problems:
            for seq, message in problems:
                self.stderr.write(f"BROKEN at #{seq}: {message}")
            raise CommandError(f"audit trail verification failed: first break at entry #{problems[0][0]}")
        self.stdout.write(self.style.SUCCESS(f"OK: {AuditEntry.objects.using(using).count()} entries, chain intact"))
