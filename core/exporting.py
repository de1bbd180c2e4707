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
from django.utils.translation import gettext as _t

from .choices import Confidentiality, RecordStatus
from .display import local_date
from .exports import ExportDocument, Revision, Section, SignatureLine, get_labels, render_docx, render_pdf
from .models import Approval, TransitionLog

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


def sign_offs(record):
    """(reviewers, approval) from the approval trail of the round that approved the record: the people who reviewed
    and approved it, never its author. Reviewers are whoever decided an earlier step of that round (a department's
    approval before the division's) or voted in it (a quorum or all-approvers rule) other than the final approver;
    a single-approver record is reviewed and approved by its approver. Both are empty until it is approved.
    Each is a list of (user, when)."""
    ct = ContentType.objects.get_for_model(record)
    log = list(TransitionLog.objects.filter(content_type=ct, object_id=record.pk)
               .select_related("user", "on_behalf_of").order_by("at", "pk"))
    approvals = [entry for entry in log if entry.target == RecordStatus.APPROVED]
    if not approvals:
        return [], None
    approval = approvals[-1]
    decider = approval.on_behalf_of or approval.user
    round_start = max((entry.at for entry in log if entry.transition == "submit" and entry.at <= approval.at),
                      default=None)
    steps = [(entry.on_behalf_of or entry.user, entry.at) for entry in log
             if entry is not approval and entry.at <= approval.at and (round_start is None or entry.at >= round_start)
             and entry.transition not in ("submit", "withdraw") and "return" not in entry.transition]
    votes = [(vote.counted_as, vote.at) for vote in Approval.objects.filter(
        content_type=ct, object_id=record.pk, transition=approval.transition, review_round=record.review_round)
        .select_related("counted_as").order_by("at")]
    reviewers, seen = [], {getattr(decider, "pk", None)}
    for user, at in steps + votes:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            reviewers.append((user, at))
    return reviewers or [(decider, approval.at)], (decider, approval.at)


def classification(record):
    """The classification printed on the copy: a record sent to the customer (its type says `customer_copy`)
    carries the customer's classification, not the company's internal one."""
    if getattr(type(record), "customer_copy", False) and record.customer_id \
            and record.confidentiality != Confidentiality.PUBLIC:
        return _t("Customer confidential")
    return str(record.get_confidentiality_display())


def revision_history(record):
    """The record's own history: every version up to and including this one, never a later draft."""
    versions = record.versions().filter(version__lte=record.version).select_related("author").order_by("version")
    return [Revision(f"V{v.version}", local_date(v.approved_at or v.created), str(v.author), v.change_note or "")
            for v in versions]


def build_document(record, language=None, body_fields=()) -> ExportDocument:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        return _build(record, language, body_fields)


def _build(record, language, body_fields):
    labels = get_labels(language)
    builder = getattr(record, "export_sections", None)
    sections = builder(language) if builder else default_sections(record, body_fields)
    reviewers, approval = sign_offs(record)
    signatures = [
        SignatureLine(labels["role_prepared"], str(record.author), local_date(record.created)),
        SignatureLine(labels["role_reviewed"], ", ".join(str(user) for user, _at in reviewers),
                      local_date(reviewers[-1][1]) if reviewers else None),
        SignatureLine(labels["role_approved"], str(approval[0]) if approval else "",
                      local_date(approval[1]) if approval else None),
    ]
    return ExportDocument(
        title=record.title,
        number=record.number,
        version=f"V{record.version}",
        status=str(record.get_status_display()),
        confidentiality=classification(record),
        department=str(record.owner_department),
        author=str(record.author),
        customer=str(record.customer or ""),
        project=str(getattr(record, "project", "") or ""),
        effective_date=local_date(record.approved_at),
        company=settings.SERVPLAN_COMPANY_NAME,
        subtitle=str(type(record).record_type().label),
        sections=sections,
        revision_history=revision_history(record),
        signatures=signatures,
        language="en" if language.startswith("en") else "zh-hans",
        created=record.created,
        modified=record.approved_at or record.created,
        modified_by=str(approval[0]) if approval else str(record.author),
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
