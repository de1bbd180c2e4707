"""manage.py import_service_data FILE --contract N [--format csv|xlsx|json] [--system NAME] [--tz ZONE]"""

import hashlib
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from core.context import acting_as
from core.permissions import allowed
from core.tabular import guess_format
from org.models import User
from servicedata.columns import open_ticket_reader
from servicedata.importer import TicketImport
from servicedata.models import ImportJob


class Command(BaseCommand):
    help = ("Import tickets from a CSV, XLSX or JSON file into a contract: the whole file is validated first "
            "(nothing is written if any row is wrong), then written in batches; re-importing is idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--contract", type=int, required=True)
        parser.add_argument("--format", choices=["csv", "xlsx", "json"])
        parser.add_argument("--system", default="import", help="External system for rows without one.")
        parser.add_argument("--tz", help="Time zone of times without an offset (default: the contract calendar's).")
        parser.add_argument("--user", default="admin", help="Acting user (audit trail).")
        parser.add_argument("--no-compute", action="store_true", help="Skip computing SLA clocks afterwards.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        fmt = options["format"] or guess_format(path.name)
        if not fmt:
            raise CommandError("Give --format: the file name does not tell it.")
        contract = Contract.objects.select_related("customer").filter(pk=options["contract"]).first()
        if contract is None:
            raise CommandError(f"No contract {options['contract']}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None or not allowed(user, ImportJob, "add"):
            raise CommandError(f"User {options['user']!r} does not exist or may not import service data.")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        started = time.perf_counter()

        def progress(phase, done, fraction):
            self.stderr.write(f"\r{phase}: {done} rows", ending="")
            self.stderr.flush()

        with path.open("rb") as handle, acting_as(user, request_id="import_service_data"):
            reader = open_ticket_reader(fmt, handle, path.stat().st_size)
            importer = TicketImport(contract, user, external_system=options["system"], time_zone=options["tz"],
                                    progress=progress, compute=not options["no_compute"])
            result = importer.run(reader.rows, name=path.name, sha256=digest.hexdigest(),
                                  ignored_columns=lambda: reader.ignored_columns)
        self.stderr.write("")
        elapsed = time.perf_counter() - started
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {where(warning)}: {warning['message']}"))
        if result.rejected:
            for error in result.errors:
                self.stderr.write(f"{where(error)}: {error['message']}")
            if result.error_count > len(result.errors):
                self.stderr.write(f"... and {result.error_count - len(result.errors)} more")
            self.stderr.write(self.style.ERROR(f"Rejected: {result.error_count} error(s); nothing was written."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(
            f"{result.total} rows: {result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
            f"{result.computed} SLA clocks computed ({elapsed:.1f}s, {result.total / elapsed if elapsed else 0:.0f} "
            f"rows/s)."))


def where(problem):
    """"row 4, summary" (or "row 1" for the file as a whole), as the page and the API report it."""
    return f"row {problem['row']}, {problem['field']}" if problem["field"] else f"row {problem['row']}"
