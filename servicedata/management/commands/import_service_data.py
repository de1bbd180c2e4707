"""manage.py import_service_data FILE --contract N [--format csv|xlsx|json] [--system NAME] [--tz ZONE]
[--profile KEY|ID]"""

import hashlib
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from core.choices import RecordStatus
from core.context import acting_as
from core.permissions import allowed
from core.tabular import guess_format
from org.models import User
from servicedata import services, tasks
from servicedata.choices import ImportSource
from servicedata.models import ImportJob, ImportProfile


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
        parser.add_argument("--profile", default="",
                            help="Read the file with an import profile: a built-in profile's key (e.g. "
                                 "servicenow-table) or the id of an approved profile.")

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

        profile, builtin_profile = self._profile(options["profile"])
        spec = services.profile_spec(profile, builtin_profile)
        with path.open("rb") as handle, acting_as(user, request_id="import_service_data"):
            reader = tasks.open_reader(spec, fmt, handle, path.stat().st_size)
            # One audited import job (source: file), so the import's quality report is kept like any other's.
            job = services.import_records(
                contract, user, reader.rows, source=ImportSource.FILE, spec=spec, profile=profile,
                builtin_profile=builtin_profile, name=path.name, sha256=digest.hexdigest(),
                external_system=None if options["system"] == "import" and spec else options["system"],
                time_zone=options["tz"], fmt=fmt, progress=progress, compute=not options["no_compute"],
                ignored_columns=lambda: reader.ignored_columns)
            result = job.result
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
        if result.excluded or result.repaired:
            self.stdout.write(f"Data-quality rules: {result.excluded} row(s) excluded, {result.repaired} repaired; "
                              f"the quality report is on import job {job.pk}.")

    @staticmethod
    def _profile(value):
        """(approved ImportProfile or None, built-in key or "") from --profile."""
        if not value:
            return None, ""
        if value.isdigit():
            profile = ImportProfile.objects.filter(pk=int(value), status=RecordStatus.APPROVED).first()
            if profile is None:
                raise CommandError(f"No approved import profile {value}.")
            return profile, ""
        from servicedata.intake import builtin

        if value not in dict(builtin.choices()):
            raise CommandError(f"No built-in profile {value!r}; one of {', '.join(k for k, _n in builtin.choices())}.")
        return None, value


def where(problem):
    """"row 4, summary" (or "row 1" for the file as a whole), as the page and the API report it."""
    return f"row {problem['row']}, {problem['field']}" if problem["field"] else f"row {problem['row']}"
