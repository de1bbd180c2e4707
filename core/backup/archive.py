"""The backup archive: one .tar.gz holding the database dump, the files and the key, and a manifest.

The manifest (the last entry) lists every other entry with its SHA-256 and size, so a restore checks the
whole archive before it touches anything. An archive is written under a `.partial` name and renamed when
complete: a backup that was cut short never looks like a backup.
"""

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
FORMAT = 1
MANIFEST_KEYS = {"format", "created", "engine", "migrations", "row_counts", "files"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, and nothing was changed."""


class HashingReader:
    """A file object that hashes what is read through it (tarfile copies exactly the declared size)."""

    def __init__(self, raw):
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.partial.touch(mode=0o600)  # the archive holds the secret key: readable by its owner only
        self.tar = tarfile.open(self.partial, "w:gz", compresslevel=6)  # noqa: SIM115 (closed on leaving `with`)
        self.files = {}

    def __enter__(self):
        return self

    def __exit__(self, error_type, *_exc):
        if error_type is not None:
            self.abandon()

    def add(self, name: str, source: Path):
        info = self.tar.gettarinfo(str(source), arcname=name)
        with source.open("rb") as raw:
            reader = HashingReader(raw)
            self.tar.addfile(info, reader)
        self.files[name] = {"sha256": reader.digest.hexdigest(), "size": reader.size}

    def finish(self, manifest: dict) -> Path:
        data = json.dumps({**manifest, "files": self.files}, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        os.replace(self.partial, self.path)
        return self.path

    def abandon(self):
        self.tar.close()
        self.partial.unlink(missing_ok=True)


def unpack(archive: Path, into: Path, top_level: set[str]) -> dict:
    """Extract the archive into a scratch folder and return its manifest, once every checksum matched."""
    if not archive.is_file():
        raise BackupError(_("There is no backup file at %(path)s.") % {"path": archive})
    try:
        found = _extract(archive, into, top_level | {MANIFEST})
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(_("%(path)s is not a readable ServPlan backup (%(error)s).")
                          % {"path": archive, "error": error}) from error
    manifest = _read_manifest(into / MANIFEST if MANIFEST in found else None, archive)
    listed = manifest["files"]
    damaged = sorted(name for name, entry in listed.items() if found.get(name) != (entry["sha256"], entry["size"]))
    unlisted = sorted(set(found) - set(listed) - {MANIFEST})
    if damaged or unlisted:
        raise BackupError(_("The backup %(path)s is damaged: %(names)s do not match its manifest.")
                          % {"path": archive, "names": ", ".join(damaged + unlisted)})
    return manifest


def _extract(archive: Path, into: Path, top_level: set[str]) -> dict[str, tuple[str, int]]:
    found = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            name = member.name
            path = PurePosixPath(name)
            if (not member.isreg() or name in found or path.is_absolute() or ".." in path.parts
                    or path.parts[0] not in top_level):
                raise BackupError(_("%(path)s is not a ServPlan backup: unexpected entry %(name)s.")
                                  % {"path": archive, "name": name})
            target = into.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, target.open("wb") as out:
                reader = HashingReader(source)
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
            found[name] = (reader.digest.hexdigest(), reader.size)
    return found


def _read_manifest(path: Path | None, archive: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8")) if path else None
        files = manifest["files"]
        if (set(manifest) >= MANIFEST_KEYS and manifest["format"] == FORMAT
                and isinstance(manifest["row_counts"], dict) and isinstance(manifest["migrations"], list)
                and all({"sha256", "size"} <= set(entry) for entry in files.values())):
            return manifest
    except (TypeError, KeyError, ValueError, AttributeError):
        pass
    raise BackupError(_("%(path)s is not a ServPlan backup: its manifest is missing or not understood.")
                      % {"path": archive})
