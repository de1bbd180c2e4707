"""One reproducible archive: files by path, a manifest with the SHA-256 of each, a content hash, a fixed-form zip.

The content hash is SHA-256 over the sorted lines `path<TAB>sha256` of every file (the manifest itself excepted), so
the same files give the same hash whatever order they were added in; the zip has sorted entries, a fixed timestamp
and fixed permissions, so the same files also give the same bytes.
"""

import csv
import hashlib
import io
import json
import zipfile

MANIFEST = "manifest.json"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: never the time of the build


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def csv_bytes(headers, rows) -> bytes:
    """A CSV file Excel opens as UTF-8 (byte-order mark), with the header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def content_hash(files: dict[str, bytes]) -> str:
    listing = "".join(f"{path}\t{sha256(files[path])}\n" for path in sorted(files) if path != MANIFEST)
    return sha256(listing.encode())


class Archive:
    def __init__(self):
        self.files: dict[str, bytes] = {}

    def add(self, path: str, data: bytes | str):
        if path in self.files or path == MANIFEST:
            raise ValueError(f"{path} is in the pack already")
        self.files[path] = data.encode() if isinstance(data, str) else data

    def add_csv(self, path, headers, rows):
        self.add(path, csv_bytes(headers, rows))

    def entries(self):
        """[{path, sha256, size}] of every file but the manifest, sorted by path."""
        return [{"path": path, "sha256": sha256(self.files[path]), "size": len(self.files[path])}
                for path in sorted(self.files) if path != MANIFEST]

    @property
    def content_hash(self) -> str:
        return content_hash(self.files)

    def seal(self, about: dict) -> dict:
        """Write manifest.json (what the pack covers, every file with its hash and size, the content hash)."""
        manifest = {**about, "files": self.entries(), "content_hash": self.content_hash, "hash_algorithm": "SHA-256"}
        self.files[MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        return manifest

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, whatever the machine building it
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[path], compresslevel=6)
        return buffer.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def verify(files: dict[str, bytes]) -> list[str]:
    """Problems found checking a pack's files against its manifest (empty: every file is as listed)."""
    manifest = json.loads(files[MANIFEST])
    listed = {entry["path"]: entry for entry in manifest["files"]}
    problems = [f"{path}: not listed" for path in sorted(set(files) - set(listed) - {MANIFEST})]
    for path, entry in sorted(listed.items()):
        if path not in files:
            problems.append(f"{path}: missing")
        elif sha256(files[path]) != entry["sha256"] or len(files[path]) != entry["size"]:
            problems.append(f"{path}: differs from the manifest")
    if content_hash(files) != manifest["content_hash"]:
        problems.append("content hash differs")
    return problems
