from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Back up the database, the uploaded and imported files and the secret key into one .tar.gz "
            "(see docs/operations.md). Safe while ServPlan runs.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="A .tar.gz file to create, or a folder (default: SERVPLAN_BACKUP_DIR).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args, **options):
        try:
            path, manifest = create_backup(options["output"], using=options["database"])
        except BackupError as error:
            raise CommandError(error) from error
        self.stdout.write(self.style.SUCCESS(
            _("Backup written to %(path)s (%(size)s): %(tables)s tables, %(rows)s rows, %(files)s files.") % {
                "path": path, "size": filesizeformat(path.stat().st_size), "tables": len(manifest["row_counts"]),
                "rows": sum(manifest["row_counts"].values()), "files": len(manifest["files"])}))
        if not manifest["secret_key"]:
            self.stdout.write(_("The secret key comes from SERVPLAN_SECRET_KEY and is not in the backup: keep it "
                                "safe separately."))
