"""The database part of a backup: SQLite's online backup API, or PostgreSQL's pg_dump and pg_restore.

Each engine takes its inventory (rows per table, applied migrations) from the same state as its dump, so the
manifest describes exactly what the archive holds, even while the application keeps writing.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .archive import BackupError

# What `migrate` writes into a new database: a database with rows only here holds no data.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# libpq reads these from the environment; the password in particular must never be an argument (`ps` shows those).
LIBPQ_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                 "sslkey": "PGSSLKEY", "passfile": "PGPASSFILE", "service": "PGSERVICE",
                 "connect_timeout": "PGCONNECT_TIMEOUT", "target_session_attrs": "PGTARGETSESSIONATTRS"}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def inventory(cursor, tables) -> tuple[dict[str, int], list[str]]:
    """Rows per table and the applied migrations, through any DB-API cursor (Django's or sqlite3's)."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return counts, migrations


def current_inventory(connection) -> tuple[dict[str, int], list[str]]:
    with connection.cursor() as cursor:
        return inventory(cursor, connection.introspection.table_names(cursor))


def holds_data(row_counts: dict[str, int]) -> bool:
    return any(rows for table, rows in row_counts.items()
               if table not in BOOKKEEPING_TABLES and not table.startswith("sqlite_"))


class SQLite:
    vendor, display_name, dump_name = "sqlite", "SQLite", "database.sqlite3"
    replaces_whole_database = True

    def dump(self, connection, target: Path):
        """The online backup API copies one consistent state of the file while the app goes on writing."""
        try:
            with closing(self._open(connection)) as source, closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                cursor = copy.cursor()
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                return inventory(cursor, [name for (name,) in cursor.fetchall()])
        except sqlite3.Error as error:
            raise BackupError(_("SQLite could not copy the database: %(error)s") % {"error": error}) from error

    def restore(self, connection, dump: Path):
        """The backup API again, the other way: the database gets the dump's pages in one write transaction."""
        connection.close()
        try:
            with closing(sqlite3.connect(dump)) as source, closing(self._open(connection)) as database:
                source.backup(database)
        except sqlite3.Error as error:
            raise BackupError(_("SQLite could not restore the database: %(error)s") % {"error": error}) from error

    def _open(self, connection):
        return sqlite3.connect(connection.settings_dict["NAME"],
                               timeout=connection.settings_dict["OPTIONS"].get("timeout", 20))


class PostgreSQL:
    vendor, display_name, dump_name = "postgresql", "PostgreSQL", "database.pgdump"
    # pg_restore --clean replaces the tables the dump has; tables only the target has would stay.
    replaces_whole_database = False

    def dump(self, connection, target: Path):
        """pg_dump reads the snapshot this transaction exports, so the counts taken here describe the dump."""
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            found = inventory(cursor, connection.introspection.table_names(cursor))
            self._run(connection, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        return found

    def restore(self, connection, dump: Path):
        """One transaction: a restore that fails leaves the database as it was."""
        connection.close()
        self._run(connection, "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error", str(dump))

    def _run(self, connection, program, *arguments):
        command = [pg_program(program), "--no-password", *arguments, f"--dbname={connection.settings_dict['NAME']}"]
        result = subprocess.run(command, env=libpq_environment(connection.settings_dict), capture_output=True,
                                text=True, stdin=subprocess.DEVNULL, check=False)
        if result.returncode:
            raise BackupError(_("%(program)s failed: %(error)s") % {"program": program, "error": result.stderr.strip()})


ENGINES = {engine.vendor: engine for engine in (SQLite(), PostgreSQL())}


def engine_for(vendor: str):
    if vendor not in ENGINES:
        raise BackupError(_("Backups are made of SQLite and PostgreSQL databases, not %(vendor)s.")
                          % {"vendor": vendor})
    return ENGINES[vendor]


def libpq_environment(settings_dict) -> dict[str, str]:
    environment = dict(os.environ)
    for key, variable in LIBPQ_SETTINGS.items():
        if value := settings_dict.get(key):
            environment[variable] = str(value)
    for key, variable in LIBPQ_OPTIONS.items():
        if value := settings_dict.get("OPTIONS", {}).get(key):
            environment[variable] = str(value)
    return environment


def pg_program(name: str) -> str:
    """SERVPLAN_PG_BIN_DIR when set, else PATH, else the newest of Debian's /usr/lib/postgresql/<version>/bin."""
    if settings.SERVPLAN_PG_BIN_DIR:
        folders = [settings.SERVPLAN_PG_BIN_DIR]
    else:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
        folders = [os.environ.get("PATH", os.defpath), *map(str, versions)]
    if found := shutil.which(name, path=os.pathsep.join(folders)):
        return found
    raise BackupError(_("%(program)s was not found: install the PostgreSQL client programs, or name their folder "
                        "in SERVPLAN_PG_BIN_DIR.") % {"program": name})


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in folder.parent.name.split(".") if part.isdigit())
