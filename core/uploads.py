"""Upload checks: a size limit and a type recognised from the content, not the name.

A file whose bytes do not match its extension (an executable renamed .pdf,
HTML saved as .png) is refused with a message naming the file.
"""

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


def _looks_like(kind, head: bytes, fileobj) -> bool:
    if kind == "text":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a cut multi-byte character at the end of the sample is fine
            return exc.start >= len(head) - 3
        return True
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
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return {"kind": kind, "size": uploaded.size, "sha256": digest.hexdigest()}
