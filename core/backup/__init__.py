"""Backup and restore of a whole installation: the database, the files kept beside it, and the secret key.

`create_backup` writes one archive (see archive.py) whose manifest lists every file with its checksum, the
database engine, the version and migrations, and the rows per table. `restore_backup` checks the whole archive
before it touches anything, refuses to replace a database that holds data unless forced, restores the database,
the files and the key, then compares the row counts with the manifest and verifies the audit chain.
"""

import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import verify_chain
from .archive import FORMAT, ArchiveWriter, BackupError, unpack
from .engines import ENGINES, current_inventory, engine_for, holds_data

__all__ = ["BackupError", "RestoreReport", "check_backup", "create_backup", "restore_backup"]

KEY = "key/secret_key"


@dataclass
class RestoreReport:
    manifest: dict
    files: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def file_sets() -> dict[str, Path | None]:
    """The folders outside the database that a backup carries, by their name in the archive."""
    letterheads = settings.SERVPLAN_DOCX_TEMPLATE_DIR
    return {"media": Path(settings.MEDIA_ROOT), "letterheads": Path(letterheads) if letterheads else None}


def create_backup(destination=None, using=DEFAULT_DB_ALIAS) -> tuple[Path, dict]:
    connection = connections[using]
    engine = engine_for(connection.vendor)
    created = timezone.now()
    with ArchiveWriter(_archive_path(destination, created)) as writer:
        with tempfile.TemporaryDirectory(dir=writer.path.parent) as scratch:
            dump = Path(scratch) / engine.dump_name
            row_counts, migrations = engine.dump(connection, dump)
            writer.add(engine.dump_name, dump)
        # Files after the dump: an upload is stored before its row is saved, so every file a dumped row names
        # is here (a file uploaded meanwhile comes along unused).
        for name, root in file_sets().items():
            for path in _files_under(root):
                writer.add(f"{name}/{path.relative_to(root).as_posix()}", path)
        if key := _secret_key_file():
            writer.add(KEY, key)
        manifest = {"format": FORMAT, "application": "ServPlan", "version": _version(),
                    "created": created.isoformat(), "engine": engine.vendor, "database": engine.dump_name,
                    "secret_key": KEY if key else None, "migrations": migrations, "row_counts": row_counts}
        return writer.finish(manifest), {**manifest, "files": writer.files}


def check_backup(archive) -> dict:
    """The archive's manifest once every checksum matched; nothing is restored."""
    with tempfile.TemporaryDirectory() as scratch:
        return unpack(Path(archive), Path(scratch), _top_level())


def restore_backup(archive, using=DEFAULT_DB_ALIAS, force=False) -> RestoreReport:
    connection = connections[using]
    engine = engine_for(connection.vendor)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        manifest = unpack(Path(archive), scratch, _top_level())
        _check_restorable(manifest, connection, engine, force)
        engine.restore(connection, scratch / engine.dump_name)
        ContentType.objects.clear_cache()  # ids cached from the database that was replaced
        report = RestoreReport(manifest)
        _restore_files(manifest, scratch, report)
        _restore_key(manifest, scratch, report)
    _verify(manifest, connection, report)
    return report


def _top_level() -> set[str]:
    """The names an archive may hold at its top level."""
    return {engine.dump_name for engine in ENGINES.values()} | set(file_sets()) | {KEY.split("/")[0]}


def _check_restorable(manifest, connection, engine, force):
    if manifest["engine"] != engine.vendor:
        backup_engine = ENGINES.get(manifest["engine"])
        raise BackupError(_("This backup holds a %(backup)s database and this installation runs on %(target)s: "
                            "restore it into a %(backup)s database.")
                          % {"backup": backup_engine.display_name if backup_engine else manifest["engine"],
                             "target": engine.display_name})
    if engine.dump_name not in manifest["files"]:
        raise BackupError(_("This backup holds no database."))
    if newer := _unknown_migrations(manifest["migrations"]):
        raise BackupError(_("This backup was made by a newer version of ServPlan (%(version)s): restore it with that "
                            "version. Migrations this version lacks: %(names)s.")
                          % {"version": manifest.get("version", "?"), "names": ", ".join(newer)})
    try:
        row_counts = current_inventory(connection)[0]
    except DatabaseError as error:
        raise BackupError(_("The database %(name)s cannot be read: %(error)s")
                          % {"name": connection.settings_dict["NAME"], "error": error}) from error
    if holds_data(row_counts) and not force:
        raise BackupError(_("The database %(name)s already holds data, and a restore replaces all of it. Nothing "
                            "was changed; run the restore again with --force to replace it.")
                          % {"name": connection.settings_dict["NAME"]})
    if not engine.replaces_whole_database and (extra := sorted(set(row_counts) - set(manifest["row_counts"]))):
        raise BackupError(_("The database %(name)s has tables the backup does not (%(tables)s), so it was set up by "
                            "another version. Restore into a new, empty database.")
                          % {"name": connection.settings_dict["NAME"], "tables": ", ".join(extra)})


def _unknown_migrations(applied) -> list[str]:
    """Migrations of installed apps that this code does not have: the backup comes from a newer version."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    known |= {f"{app}.{name}" for migration in loader.disk_migrations.values() for app, name in migration.replaces}
    labels = {config.label for config in apps.get_app_configs()}
    return [name for name in applied if name.split(".")[0] in labels and name not in known]


def _restore_files(manifest, scratch: Path, report: RestoreReport):
    for set_name, root in file_sets().items():
        members = [name for name in manifest["files"] if name.startswith(f"{set_name}/")]
        if members and root is None:
            report.notes.append(_("%(count)s letterhead templates were not restored: set SERVPLAN_DOCX_TEMPLATE_DIR "
                                  "and restore again.") % {"count": len(members)})
            continue
        for name in members:
            _put(scratch / name, root.joinpath(*PurePosixPath(name).parts[1:]))
        report.files += len(members)


def _restore_key(manifest, scratch: Path, report: RestoreReport):
    if KEY not in manifest["files"]:
        report.notes.append(_("The backup has no secret key: it came from SERVPLAN_SECRET_KEY. Set the same value "
                              "here, or signed-in sessions and password-reset links stop working."))
        return
    target = Path(settings.SERVPLAN_SECRET_KEY_FILE)
    _put(scratch / KEY, target, mode=0o600)
    if target.read_text().strip() != settings.SECRET_KEY:
        report.notes.append(_("The secret key was restored to %(path)s: restart ServPlan (web and workers) to use it. "
                              "SERVPLAN_SECRET_KEY, when set, overrides the file.") % {"path": target})


def _verify(manifest, connection, report: RestoreReport):
    """The restored rows against the manifest, the schema brought up to this version, then the audit chain."""
    row_counts = current_inventory(connection)[0]
    report.problems += [_("Table %(table)s has %(found)s rows; the backup has %(expected)s.")
                        % {"table": table, "found": row_counts.get(table), "expected": expected}
                        for table, expected in manifest["row_counts"].items() if row_counts.get(table) != expected]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
        report.notes.append(_("The backup came from an earlier version: the database was migrated to this one."))
    report.problems += [_("Audit trail broken at entry #%(seq)s: %(problem)s") % {"seq": seq, "problem": problem}
                        for seq, problem in verify_chain(using=connection.alias)]


def _put(source: Path, target: Path, mode=None):
    """Copy under a temporary name, then rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    if mode is not None:
        partial.chmod(mode)
    os.replace(partial, target)


def _files_under(root: Path | None):
    if root is None or not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _secret_key_file() -> Path | None:
    """The generated key file, when it is the key in use (a key set in the environment is kept by whoever set it)."""
    path = Path(settings.SERVPLAN_SECRET_KEY_FILE)
    return path if path.is_file() and path.read_text().strip() == settings.SECRET_KEY else None


def _archive_path(destination, created) -> Path:
    """A new file: the given .tar.gz path, or a dated name in the given (or the configured) folder."""
    path = Path(destination or settings.SERVPLAN_BACKUP_DIR)
    if not path.name.endswith(".tar.gz"):
        path = path / f"servplan-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    if path.exists():
        raise BackupError(_("%(path)s already exists; a backup never overwrites a file.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as pyproject:
            return tomllib.load(pyproject)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
