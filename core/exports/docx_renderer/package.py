"""What Word, WPS and LibreOffice read about an exported DOCX besides its text: file properties, language, package.

python-docx starts from its own template, whose properties say "created 2013 by Microsoft Macintosh Word", whose
theme language is Japanese and which carries a blank preview thumbnail. The properties come from the record here
(title, author, subject, created/modified, last modified by, application ServPlan), the theme's East Asian language
is zh-CN, the thumbnail is dropped, and the ZIP is written with the record's modification time on every entry, so
the same record exports to the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from io import BytesIO
from xml.sax.saxutils import escape

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..model import ExportDocument

APPLICATION = "ServPlan"
THUMBNAIL_REL = re.compile(rb"<Relationship [^>]*relationships/metadata/thumbnail\"[^>]*/>")
_EPOCH = datetime(1980, 1, 1)  # the earliest time a ZIP entry can carry

APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>{application}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
<Company>{company}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged></Properties>"""


def set_theme_language(document, east_asia: str = "zh-CN", latin: str = "en-US") -> None:
    """settings.xml themeFontLang: the language Word picks theme fonts for when a user applies a style later."""
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), east_asia)


def set_core_properties(document, doc: ExportDocument) -> None:
    props = document.core_properties
    props.title = doc.title
    props.author = doc.author
    props.last_modified_by = doc.modified_by or doc.author
    props.identifier = doc.number
    props.version = doc.version
    props.language = "zh-CN" if doc.is_chinese else "en-US"
    props.subject = doc.subtitle or doc.project or doc.customer or ""
    props.keywords = doc.number
    props.category = doc.subtitle
    props.comments = ""
    props.revision = 1
    created = _utc(doc.created) or _EPOCH
    props.created = created
    props.modified = _utc(doc.modified) or created


def finish_package(data: bytes, doc: ExportDocument) -> bytes:
    """The saved DOCX without the template's thumbnail, with ServPlan's app.xml and fixed entry times."""
    stamp = (_utc(doc.modified) or _utc(doc.created) or _EPOCH).timetuple()[:6]
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = info.filename
            if name.startswith("docProps/thumbnail"):
                continue
            blob = source.read(name)
            if name == "_rels/.rels":
                blob = THUMBNAIL_REL.sub(b"", blob)
            elif name == "docProps/app.xml":
                blob = APP_XML.format(application=APPLICATION, company=escape(doc.company)).encode()
            entry = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, blob)
    return out.getvalue()


def _utc(value):
    """A datetime for the OOXML properties (UTC, as the format wants); a date counts from its midnight."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)
