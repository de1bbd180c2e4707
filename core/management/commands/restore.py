from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from core.backup import BackupError, check_backup, restore_backup
from core.backup.engines import ENGINES
from core.models import AuditEntry


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup`: the database, the files and the secret key, then verify "
            "the row counts and the audit trail. Stop ServPlan (web and workers) first. See docs/operations.md.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The backup file (.tar.gz).")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that already holds data (everything in it is lost).")
        parser.add_argument("--check", action="store_true",
                            help="Only check the archive (every checksum) and say what it holds; restore nothing.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to restore into.")

    def handle(self, *args, **options):
        try:
            if options["check"]:
                manifest = check_backup(options["archive"])
                self.stdout.write(self.style.SUCCESS(_("Every checksum matches.")))
                self.stdout.write(summary(manifest))
                return
            report = restore_backup(options["archive"], using=options["database"], force=options["force"])
        except BackupError as error:
            raise CommandError(error) from error
        self.stdout.write(summary(report.manifest))
        self.stdout.write(_("Restored the database and %(files)s attached, imported and template files.")
                          % {"files": report.files})
        for note in report.notes:
            self.stdout.write(note)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(_("The restored data failed verification (%(count)s problems, listed above).")
                               % {"count": len(report.problems)})
        entries = AuditEntry.objects.using(options["database"]).count()
        self.stdout.write(self.style.SUCCESS(_("Audit trail verified: %(count)s entries, chain intact; row counts "
                                               "match the backup.") % {"count": entries}))


def summary(manifest) -> str:
    engine = ENGINES[manifest["engine"]].display_name if manifest["engine"] in ENGINES else manifest["engine"]
    return _("Backup of %(created)s, ServPlan %(version)s, %(engine)s: %(tables)s tables, %(rows)s rows, "
             "%(files)s files in the archive.") % {
        "created": manifest["created"], "version": manifest.get("version", "?"), "engine": engine,
        "tables": len(manifest["row_counts"]), "rows": sum(manifest["row_counts"].values()),
        "files": len(manifest["files"])}
