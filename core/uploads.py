"""Upload checks: a size limit and a type recognised from the content, not the name.

A file whose bytes do not match its extension (an executable renamed .pdf,
HTML saved as .png) is refused with a message naming the file. Text is UTF-8 or
GB18030/GBK (what Excel on a Chinese Windows saves as CSV). An archive (XLSX,
DOCX, ZIP) whose declared uncompressed size, entry count or compression ratio is
excessive (a "zip bomb") is refused before anything unpacks it.
"""

import codecs
import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _t

# extension -> kind; the kind says how the content must look.
ALLOWED = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif",
    "docx": "ooxml", "xlsx": "ooxml", "pptx": "ooxml",
    "txt": "text", "csv": "text", "json": "text", "md": "text",
    "zip": "zip",
}
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "ooxml": (b"PK\x03\x04",),
}


# An archive is refused before unpacking beyond these (its central directory declares every entry's size).
ARCHIVE_MAX_ENTRIES = 10_000
ARCHIVE_MAX_RATIO = 200  # uncompressed / compressed, over the whole archive, once it unpacks to more than 1 MiB
ARCHIVE_RATIO_FLOOR = 1 << 20


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:  # incremental: a multi-byte character cut at the end of the sample is fine
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def archive_problem(fileobj, name) -> str | None:
    """Why this zip (XLSX, DOCX, ZIP) must not be unpacked, or None; read from its directory, nothing inflated."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable zip: the content check or the reader says so
    finally:
        fileobj.seek(0)
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    limit = settings.SERVPLAN_ARCHIVE_MAX_BYTES
    if len(entries) > ARCHIVE_MAX_ENTRIES:
        return _t("“%(name)s” holds %(n)s files; at most %(limit)s are accepted.") % {
            "name": name, "n": len(entries), "limit": ARCHIVE_MAX_ENTRIES}
    if unpacked > limit:
        return _t("“%(name)s” unpacks to %(size)s; the limit is %(limit)s.") % {
            "name": name, "size": filesizeformat(unpacked), "limit": filesizeformat(limit)}
    if unpacked > ARCHIVE_RATIO_FLOOR and unpacked / packed > ARCHIVE_MAX_RATIO:
        return _t("“%(name)s” is compressed %(ratio)s times; more than %(limit)s times is refused as a "
                  "compressed-file bomb.") % {"name": name, "ratio": unpacked // packed, "limit": ARCHIVE_MAX_RATIO}
    return None


def _looks_like(kind, head: bytes, fileobj) -> bool:
    if kind == "text":
        return _is_text(head)
    if not head.startswith(MAGIC[kind]):
        return False
    if kind == "ooxml":
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                return "[Content_Types].xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
    return True


def check_upload(uploaded) -> dict:
    """Validate an UploadedFile; return its kind, size and sha256, or raise ValidationError naming it."""
    name = uploaded.name
    limit = settings.SERVPLAN_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(_t("“%(name)s” is %(size)s; the limit is %(limit)s.") % {
            "name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)})
    if uploaded.size == 0:
        raise ValidationError(_t("“%(name)s” is empty.") % {"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ALLOWED.get(extension)
    if kind is None:
        raise ValidationError(_t("“%(name)s”: files of type .%(ext)s are not accepted (allowed: %(allowed)s).") % {
            "name": name, "ext": extension or "?", "allowed": ", ".join(sorted(ALLOWED))})
    uploaded.seek(0)
    head = uploaded.read(4096)
    if not _looks_like(kind, head, uploaded):
        raise ValidationError(_t("“%(name)s” does not contain what its name says (.%(ext)s); it was refused.") % {
            "name": name, "ext": extension})
    if kind in ("ooxml", "zip") and (problem := archive_problem(uploaded, name)):
        raise ValidationError(problem)
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return {"kind": kind, "size": uploaded.size, "sha256": digest.hexdigest()}
