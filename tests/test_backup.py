"""Backup and restore (issue 10): the demo company, with an attachment and an imported file, backed up and
restored into a fresh database of the same engine (SQLite here, PostgreSQL with DATABASE_URL)."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from conftest import require
from core.backup.engines import PostgreSQL, current_inventory
from core.models import Attachment, AuditEntry

pytestmark = pytest.mark.django_db

FILES = {"合同扫描件.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 40,
         "tickets.csv": "编号,优先级\nT-1,P1\n".encode("gb18030")}


@pytest.fixture(scope="module")
def backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """One backup of the demo company plus an attachment and an imported file, committed so that pg_dump sees
    them; the two rows and their files are removed afterwards, so the rest of the suite sees the demo as it was."""
    from contracts.models import Contract
    from documents.models import ProcedureDocument
    from org.models import User
    from servicedata.models import ImportJob

    if connection.vendor == "postgresql":
        require(all(map(shutil.which, ["pg_dump", "pg_restore"])) or bool(django_settings.SERVPLAN_PG_BIN_DIR),
                "pg_dump and pg_restore (Debian: postgresql-client)")
    folder = tmp_path_factory.mktemp("backups")
    with django_db_blocker.unblock():
        if not User.objects.filter(username="admin").exists():  # a transactional test emptied the database
            call_command("load_demo", stdout=io.StringIO())
        admin, document = User.objects.get(username="admin"), ProcedureDocument.objects.order_by("pk").first()
        name, content = "合同扫描件.pdf", FILES["合同扫描件.pdf"]
        added = [
            Attachment.objects.create(record=document, file=ContentFile(content, name), name=name, size=len(content),
                                      sha256=hashlib.sha256(content).hexdigest(), content_kind="pdf",
                                      uploaded_by=admin),
            ImportJob.objects.create(contract=Contract.objects.order_by("pk").first(), created_by=admin,
                                     file=ContentFile(FILES["tickets.csv"], "tickets.csv"), name="tickets.csv",
                                     format="csv", sha256=hashlib.sha256(FILES["tickets.csv"]).hexdigest()),
        ]
        try:
            call_command("backup", output=str(folder), stdout=io.StringIO())
            row_counts = current_inventory(connection)[0]
            stored = {row.name: row.file.name for row in added}
        finally:
            for row in added:
                row.file.delete(save=False)
                row.delete()
    (path,) = folder.glob("*.tar.gz")
    return SimpleNamespace(path=path, row_counts=row_counts, stored=stored)


@pytest.fixture
def fresh_database(tmp_path, settings):
    """fresh_database() -> the alias of a new, empty database of the test database's engine; its installation has
    its own media folder and key file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVPLAN_SECRET_KEY_FILE = tmp_path / "var" / "secret_key"
    default = connection.settings_dict
    made = []

    def make():
        alias = f"restored_{len(made)}"
        if connection.vendor == "postgresql":
            name = f"{connection.settings_dict['NAME']}_restore_{len(made)}"
            postgres_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        else:
            name = str(tmp_path / f"{alias}.sqlite3")
        # Made here rather than declared in DATABASES: a connection the test creates itself is the test's own.
        connections[alias] = load_backend(default["ENGINE"]).DatabaseWrapper({**default, "NAME": name}, alias)
        made.append((alias, name))
        return alias

    yield make
    for alias, name in made:
        connections[alias].close()
        del connections[alias]
        if connection.vendor == "postgresql":
            postgres_admin(f'DROP DATABASE IF EXISTS "{name}"')


def postgres_admin(*statements):
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(dbname="postgres", host=params["HOST"] or None, port=params["PORT"] or None,
                         user=params["USER"] or None, password=params["PASSWORD"] or None, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def restore(archive, alias, *flags):
    out = io.StringIO()
    call_command("restore", str(archive), *flags, database=alias, stdout=out, stderr=out)
    return out.getvalue()


def tables_of(alias):
    with connections[alias].cursor() as cursor:
        return connections[alias].introspection.table_names(cursor)


def test_backup_then_restore_into_a_fresh_database(backup, fresh_database):
    target = fresh_database()
    output = restore(backup.path, target)

    assert current_inventory(connections[target])[0] == backup.row_counts
    assert backup.row_counts["core_attachment"] and backup.row_counts["core_auditentry"] > 100
    media = Path(django_settings.MEDIA_ROOT)
    for name, stored in backup.stored.items():
        assert (media / stored).read_bytes() == FILES[name]
    assert Attachment.objects.using(target).get(name="合同扫描件.pdf").file.name == backup.stored["合同扫描件.pdf"]
    assert Path(django_settings.SERVPLAN_SECRET_KEY_FILE).read_text() == django_settings.SECRET_KEY
    assert f"Audit trail verified: {backup.row_counts['core_auditentry']} entries" in output
    verified = io.StringIO()
    call_command("verify_audit", database=target, stdout=verified)
    assert "chain intact" in verified.getvalue()


def test_manifest_lists_every_file_with_its_checksum(backup):
    with tarfile.open(backup.path) as archive:
        members = {member.name: archive.extractfile(member).read() for member in archive}
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["engine"] == connection.vendor and manifest["version"] == "0.1.0"
    assert manifest["row_counts"] == backup.row_counts and "core.0001_initial" in manifest["migrations"]
    assert set(manifest["files"]) == set(members)
    assert {f"media/{stored}" for stored in backup.stored.values()} | {manifest["database"], "key/secret_key"} \
        <= set(members)
    assert all(entry["sha256"] == hashlib.sha256(members[name]).hexdigest()
               for name, entry in manifest["files"].items())


def test_restore_over_a_database_with_data_needs_force(backup, fresh_database):
    target = fresh_database()
    restore(backup.path, target)
    scan = Attachment.objects.using(target).filter(name="合同扫描件.pdf")
    scan.update(description="changed after the restore")

    with pytest.raises(CommandError, match="already holds data.*--force"):
        restore(backup.path, target)
    assert scan.get().description == "changed after the restore"

    assert "Audit trail verified" in restore(backup.path, target, "--force")
    assert scan.get().description == ""
    assert current_inventory(connections[target])[0] == backup.row_counts


def rewritten(archive: Path, into: Path, change) -> Path:
    """A copy of the archive with change(members) applied to its {name: bytes}."""
    with tarfile.open(archive) as source:
        members = {member.name: source.extractfile(member).read() for member in source}
    change(members)
    with tarfile.open(into, "w:gz") as copy:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return into


def edit_manifest(**fields):
    def change(members):
        members["manifest.json"] = json.dumps({**json.loads(members["manifest.json"]), **fields}).encode()
    return change


def flip_a_byte(members):
    name = next(name for name in members if name.startswith("database."))
    data = bytearray(members[name])
    data[len(data) // 2] ^= 0xFF
    members[name] = bytes(data)


def other_engine():
    return "sqlite" if connection.vendor == "postgresql" else "postgresql"


DAMAGE = {
    "a byte changed": (lambda archive, tmp: rewritten(archive, tmp / "x.tar.gz", flip_a_byte), "damaged"),
    "cut short": (lambda archive, tmp: truncated(archive, tmp / "x.tar.gz"), "not a readable ServPlan backup"),
    "missing": (lambda archive, tmp: tmp / "no-such-backup.tar.gz", "no backup file"),
    "not an archive": (lambda archive, tmp: written(tmp / "x.tar.gz", b"PK\x03\x04 a zip"), "not a readable"),
    "unsafe name": (lambda archive, tmp: rewritten(archive, tmp / "x.tar.gz",
                                                   lambda m: m.update({"../escape": b"x"})), "unexpected entry"),
    "no manifest": (lambda archive, tmp: rewritten(archive, tmp / "x.tar.gz", lambda m: m.pop("manifest.json")),
                    "manifest is missing"),
    "other engine": (lambda archive, tmp: rewritten(archive, tmp / "x.tar.gz", edit_manifest(engine=other_engine())),
                     "restore it into a"),
    "newer version": (lambda archive, tmp: rewritten(archive, tmp / "x.tar.gz", edit_manifest(
        version="9.0", migrations=["core.0001_initial", "core.9999_from_the_future"])), "newer version of ServPlan"),
}


def truncated(archive: Path, into: Path) -> Path:
    into.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return into


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_bad_archive_is_refused_and_changes_nothing(backup, fresh_database, tmp_path, damage):
    make, message = DAMAGE[damage]
    archive = make(backup.path, tmp_path)
    target = fresh_database()
    with pytest.raises(CommandError, match=f"(?i){message}"):
        restore(archive, target, "--force")
    assert tables_of(target) == []
    assert not Path(django_settings.MEDIA_ROOT).exists()
    assert not Path(django_settings.SERVPLAN_SECRET_KEY_FILE).exists()


def test_check_reads_every_checksum(backup, tmp_path):
    out = io.StringIO()
    call_command("restore", str(backup.path), "--check", stdout=out)
    assert "Every checksum matches" in out.getvalue() and f"{len(backup.row_counts)} tables" in out.getvalue()
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(rewritten(backup.path, tmp_path / "x.tar.gz", flip_a_byte)), "--check")


def test_restore_fails_when_the_restored_data_does_not_verify(backup, fresh_database, tmp_path):
    """A backup of a database whose audit trail was edited behind ServPlan's back restores, and says so."""
    tampered = fresh_database()
    restore(backup.path, tampered)
    AuditEntry.objects.using(tampered).filter(seq=3).update(comment="rewritten history")
    call_command("backup", output=str(tmp_path / "tampered.tar.gz"), database=tampered, stdout=io.StringIO())

    with pytest.raises(CommandError, match="failed verification"):
        restore(tmp_path / "tampered.tar.gz", fresh_database())

    one_more = {**backup.row_counts, "core_attachment": backup.row_counts["core_attachment"] + 1}
    miscounted = rewritten(backup.path, tmp_path / "miscounted.tar.gz", edit_manifest(row_counts=one_more))
    with pytest.raises(CommandError, match="failed verification"):
        restore(miscounted, fresh_database())


def test_a_backup_never_overwrites_a_file(backup):
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(backup.path), stdout=io.StringIO())


def test_postgresql_programs_get_the_password_from_the_environment(monkeypatch):
    calls = []
    monkeypatch.setattr("core.backup.engines.pg_program", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr("subprocess.run", lambda command, env, **kwargs: calls.append((command, env)) or
                        SimpleNamespace(returncode=0))
    database = SimpleNamespace(close=lambda: None, settings_dict={
        "NAME": "servplan", "HOST": "db.example", "PORT": 5433, "USER": "servplan", "PASSWORD": "s3cret",
        "OPTIONS": {"sslmode": "require"}})
    PostgreSQL().restore(database, Path("/tmp/database.pgdump"))
    ((command, env),) = calls
    assert not any("s3cret" in argument for argument in command)
    assert (env["PGPASSWORD"], env["PGHOST"], env["PGPORT"], env["PGSSLMODE"]) == ("s3cret", "db.example", "5433",
                                                                                    "require")
    assert "--single-transaction" in command and "--dbname=servplan" in command
