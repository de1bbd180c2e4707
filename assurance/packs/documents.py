"""A record version in the pack: its PDF as issued, its approval trail, its version history.

The PDF is core.exporting's, the same document the record page's export gives for that version (its body fields
read from the record's own export page). Rendering is the slow part of a pack, and the same document always
renders to the same bytes, so a rendered PDF is kept in the cache under the SHA-256 of the HTML it was printed from:
an unchanged record is not rendered again when the next pack (or a rebuild) includes it.
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _t

from core import audit, display
from core.exporting import build_document
from core.exports import render_html, render_pdf
from core.history import describe_history, describe_transitions
from core.models import Approval, TransitionLog

PDF_CACHE_SECONDS = 30 * 24 * 3600


def body_fields(model) -> tuple:
    """The fields the record's export page prints for a type without its own export sections."""
    try:
        match = resolve(reverse(f"{model._meta.app_label}:{model._meta.model_name}_export", args=[1]))
    except NoReverseMatch:
        return ()
    return tuple(match.func.view_initkwargs.get("detail_fields", ()))


def issued_language(record) -> str:
    """A record sent to a customer in their agreed language (a monthly report's profile) is kept in it, as
    e-mailed; every other record in the company's language."""
    return getattr(getattr(record, "profile", None), "language", None) or settings.LANGUAGE_CODE


def pdf_bytes(document) -> bytes:
    """render_pdf(document), from the cache when this exact document was rendered before."""
    import weasyprint

    html = render_html(document)
    key = "servplan:pack-pdf:" + hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = render_pdf(document)
        cache.set(key, content, PDF_CACHE_SECONDS)
    return content


def issued_pdf(record) -> bytes:
    language = issued_language(record)
    with translation.override(language):
        return pdf_bytes(build_document(record, language=language, body_fields=body_fields(type(record))))


def _person(user):
    return str(user) if user is not None else ""


TRAIL_HEADERS = ("time", "entry", "person", "on behalf of", "action", "from", "to", "comment")


def trail_headers():
    return [_t("Time"), _t("Entry"), _t("Person"), _t("On behalf of"), _t("Action"), _t("From"), _t("To"),
            _t("Comment")]


def trail_rows(record):
    """The record version's approval trail: its workflow transitions, the votes counted in them, and the audit
    entries of its history (what was written, by whom), oldest first, in local time, names not ids."""
    ct = ContentType.objects.get_for_model(record)
    rows = []
    log = TransitionLog.objects.filter(content_type=ct, object_id=record.pk).select_related("user", "on_behalf_of")
    for row, label, source, target in describe_transitions(record, log.order_by("at", "pk")):
        rows.append((row.at, 0, row.pk, [_t("Transition"), _person(row.user), _person(row.on_behalf_of), label,
                                         source, target, row.readable_comment]))
    for vote in Approval.objects.filter(content_type=ct, object_id=record.pk).select_related(
            "voter", "on_behalf_of").order_by("at", "pk"):
        rows.append((vote.at, 1, vote.pk, [_t("Approval vote"), _person(vote.voter), _person(vote.on_behalf_of),
                                           _t("Round %(n)s: %(transition)s") % {
                                               "n": vote.review_round,
                                               "transition": display.action_label(type(record), vote.transition)},
                                           "", "", display.readable(vote.comment)]))
    for entry, changes in describe_history(record, audit.history_for(record)):
        fields = "; ".join(f"{label}: {before} → {after}" for label, before, after in changes)
        rows.append((entry.at, 2, entry.seq, [_t("Audit entry #%(seq)s") % {"seq": entry.seq},
                                              entry.user and str(entry.user) or entry.username, "",
                                              entry.get_action_display(), "", "",
                                              " ".join(part for part in (entry.readable_comment, fields) if part)]))
    rows.sort(key=lambda item: item[:3])
    return [[display.datetime_text(at), *cells] for at, _kind, _pk, cells in rows]


def version_headers():
    return [_t("Version"), _t("Status"), _t("Author"), _t("Created"), _t("Approved"), _t("Change note")]


def version_rows(record):
    """Every version of the record up to and including this one (never a later draft)."""
    versions = record.versions().filter(version__lte=record.version).select_related("author").order_by("version")
    return [[f"V{v.version}", v.get_status_display(), _person(v.author), display.datetime_text(v.created),
             display.datetime_text(v.approved_at) if v.approved_at else "", v.change_note or ""] for v in versions]
