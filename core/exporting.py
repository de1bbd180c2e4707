"""A controlled record as a document a person would print or send (PDF, DOCX).

Record types describe their body with `export_sections(language)`; the
header block, revision history and signature lines come from the record's
controlled-record fields, versions and approval trail, the same for every type.
A company can put its own Word letterhead in SERVPLAN_DOCX_TEMPLATE_DIR
(`<record_type>.docx` or `default.docx`).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from .choices import RecordStatus
from .display import local_date
from .exports import ExportDocument, Revision, Section, SignatureLine, get_labels, render_docx, render_pdf
from .models import TransitionLog

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def default_sections(record, fields):
    """One section listing the record's own fields, for types without export_sections()."""
    paragraphs = []
    for name in fields:
        field = record._meta.get_field(name)
        display = getattr(record, f"get_{name}_display", None)
        value = display() if display else getattr(record, name)
        if value not in (None, ""):
            paragraphs.append(f"{str(field.verbose_name).capitalize()}: {value}")
    return [Section(str(record._meta.verbose_name).capitalize(), paragraphs)]


def _sign_offs(record):
    ct = ContentType.objects.get_for_model(record)
    log = TransitionLog.objects.filter(content_type=ct, object_id=record.pk).select_related("user")
    submitted = [t for t in log if t.transition == "submit"]
    approved = [t for t in log if t.target == RecordStatus.APPROVED]
    return (submitted[-1] if submitted else None), (approved[-1] if approved else None)


def build_document(record, language=None, body_fields=()) -> ExportDocument:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    labels = get_labels(language)
    builder = getattr(record, "export_sections", None)
    sections = builder(language) if builder else default_sections(record, body_fields)
    revisions = [Revision(f"V{v.version}", local_date(v.approved_at or v.created), str(v.author), v.change_note or "")
                 for v in record.versions().select_related("author").order_by("version")]
    submitted, approved = _sign_offs(record)
    signatures = [
        SignatureLine(labels["role_prepared"], str(record.author), local_date(record.created)),
        SignatureLine(labels["role_reviewed"], str(submitted.user) if submitted else "",
                      local_date(submitted.at) if submitted else None),
        SignatureLine(labels["role_approved"], str(approved.user) if approved else "",
                      local_date(approved.at) if approved else None),
    ]
    return ExportDocument(
        title=record.title,
        number=record.number,
        version=f"V{record.version}",
        status=str(record.get_status_display()),
        confidentiality=str(record.get_confidentiality_display()),
        department=str(record.owner_department),
        author=str(record.author),
        customer=str(record.customer or ""),
        project=str(getattr(record, "project", "") or ""),
        effective_date=local_date(record.approved_at) if record.approved_at else None,
        company=settings.SERVPLAN_COMPANY_NAME,
        subtitle=str(type(record).record_type().label),
        sections=sections,
        revision_history=revisions,
        signatures=signatures,
        language="en" if language.startswith("en") else "zh-hans",
    )


def docx_template_for(record):
    folder = getattr(settings, "SERVPLAN_DOCX_TEMPLATE_DIR", None)
    if not folder:
        return None
    for name in (f"{type(record).record_type().code}.docx", "default.docx"):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return None


def export_record(record, fmt, request=None, body_fields=()):
    """Return (bytes, content type, file name) for `fmt` in CONTENT_TYPES; KeyError for others."""
    content_type = CONTENT_TYPES[fmt]
    document = build_document(record, body_fields=body_fields)
    if fmt == "pdf":
        content = render_pdf(document)
    else:
        content = render_docx(document, template=docx_template_for(record))
    return content, content_type, f"{record.number}-V{record.version}.{fmt}"
