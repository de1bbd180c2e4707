"""The project acceptance certificate 项目验收证明 and the customer's decision on it (SP-4.5.3).

* `generate_certificate(review, user)`: the certificate drafted from the passed internal review (criteria, results,
  deviations, period, deliverables); a rejected or earlier certificate gets its next version instead.
* `request_acceptance(cert, user, contacts)`: the internally approved certificate is offered: its PDF (in the
  company's language, stated as offered for acceptance; the same version renders to the same bytes) is kept as the
  certificate's attachment with its SHA-256, and each chosen contact gets a one-time signing link by e-mail.
* The customer decides in one of three ways, all recorded by `decide()` as an `Acceptance` with who, when, how, from
  where and the SHA-256 of the document accepted: `decide_in_portal` (a signed-in customer contact),
  `decide_by_link` (a one-time link: used, expired and foreign links are refused), `record_paper` (a scan of the
  certificate signed on paper, uploaded by whoever recorded it).
* `acceptance_valid(a)`: still valid only while the certificate is the version accepted and unchanged; a new
  version or a changed content makes it invalid.
* A rejection returns the project to its internal review with the customer's reasons.
"""

import hashlib
import json
import secrets
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, context, display, records, workflow
from core.choices import AuditAction
from core.models import Attachment
from core.permissions import allowed
from core.uploads import check_upload

from ..models.acceptance import (
    Acceptance,
    AcceptanceCertificate,
    CertificateItem,
    CertificateStatus,
    Decision,
    Method,
    SigningLink,
)
from ..models.review import ReviewStatus, Verdict
from . import review as review_service

S = CertificateStatus
OPEN_FOR_DECISION = (S.REQUESTED,)
FROZEN = (S.APPROVED, S.REQUESTED, S.ACCEPTED, S.REJECTED)


def link_hours() -> float:
    return float(getattr(settings, "SERVPLAN_SIGNING_LINK_HOURS", 168))


def company_language() -> str:
    return settings.LANGUAGE_CODE


# ---- the certificate from the passed review ------------------------------------------------------------

def certificate_of(project):
    """The project's latest certificate not superseded, or None."""
    return AcceptanceCertificate.objects.filter(project=project).exclude(status=S.SUPERSEDED) \
        .order_by("-version", "-pk").first()


def deliverables_of(project) -> list[str]:
    """The deliverables named by the approved plan's milestones and the baseline work plan's tasks."""
    from projects.models import Task

    found = []
    plan = review_service.approved_plan(project)
    if plan is not None:
        found += [m.deliverable for m in plan.milestones.all() if m.deliverable]
    found += list(Task.objects.filter(work_plan__project=project, work_plan__status="approved")
                  .exclude(deliverable="").values_list("deliverable", flat=True))
    unique = []
    for item in found:
        if item.strip() and item.strip() not in unique:
            unique.append(item.strip())
    return unique


def default_statement(project) -> str:
    with translation.override(company_language()):
        return _t("The customer confirms that the services and deliverables of the project %(project)s were "
                  "delivered as agreed in contract %(contract)s, verified against the criteria below, and accepts "
                  "the project.") % {"project": project.name,
                                     "contract": getattr(project.contract, "number", "—")}


def item_rows(review) -> list[dict]:
    result = review_service.outcome(review)
    rows = []
    for criterion in result.criteria:
        verdict = result.verdicts.get(criterion.pk)
        rows.append({"criterion": criterion.criterion,
                     "result": "deviation" if verdict and verdict.verdict == Verdict.DEVIATION else "pass",
                     "deviation": verdict.deviation if verdict else "",
                     "evidence": criterion.evidence[:2000]})
    return rows


def may_generate(project, user) -> bool:
    review = review_service.latest_passed(project)
    current = certificate_of(project)
    return review is not None and allowed(user, AcceptanceCertificate, "add") \
        and (current is None or current.review_id != review.pk)


def generate_certificate(review, user) -> AcceptanceCertificate:
    """Draft the certificate from the passed review; a certificate already offered, rejected or approved gets a new
    version, a draft is filled again."""
    if review.status != ReviewStatus.APPROVED or not review_service.passes(review):
        raise workflow.refuse(_t("Acceptance cannot be requested before the internal review passes."),
                              (_t("Open %(number)s") % {"number": review.number}, review.get_absolute_url()))
    project = review.project
    current = certificate_of(project)
    if current is not None and current.status == S.ACCEPTED and acceptance_valid(last_decision(current)):
        raise workflow.refuse(_t("The customer has accepted %(number)s; it is not drafted again.")
                              % {"number": current.number},
                              (_t("Open %(number)s") % {"number": current.number}, current.get_absolute_url()))
    with transaction.atomic():
        if current is None:
            cert = records.create(AcceptanceCertificate(
                project=project, review=review, owner_department=review.owner_department,
                period_start=project.start_date, period_end=project.end_date,
                deliverables="\n".join(deliverables_of(project)), statement=default_statement(project),
                title=_t("Project acceptance certificate: %(project)s") % {"project": project.name}), user,
                comment=display.message(gettext_noop("Generated from %(review)s V%(v)s."), review=review.number,
                                        v=review.version))
        else:
            if current.status in FROZEN:
                cert = records.new_version(current, user, comment=display.message(
                    gettext_noop("Generated from %(review)s V%(v)s."), review=review.number, v=review.version))
            else:
                cert = current
            for item in list(cert.items.all()):
                records.delete(item, user)
            before = audit.snapshot(cert)
            cert.review = review
            cert.deliverables = "\n".join(deliverables_of(project)) or cert.deliverables
            records.update(cert, user, before)
        for row in item_rows(review):
            records.create(CertificateItem(certificate=cert, **row), user)
    cert.refresh_from_db()
    return cert


# ---- the document offered and its hashes ------------------------------------------------------------

def content_digest(cert) -> str:
    """SHA-256 of what the certificate states (number, version, fields, items, as the document prints them), in the
    company's language: recomputed cheaply to notice any later change of the certificate."""
    from ..review_exports import certificate_sections

    language = company_language()
    with translation.override(language):
        sections = certificate_sections(cert, language, offered=True)
    payload = {"number": cert.number, "version": cert.version, "title": cert.title, "project": cert.project_id,
               "customer": cert.customer_id, "sections": [asdict(s) for s in sections]}
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def document_bytes(cert) -> bytes:
    """The PDF offered for acceptance: the company's language, stated as offered (not as its later state), so the
    same version always renders to the same bytes."""
    from core.exporting import build_document
    from core.exports import render_pdf

    language = company_language()
    with translation.override(language):
        document = build_document(cert, language=language)
        document.status = str(S.REQUESTED.label)
        document.sections = _offered_sections(cert, language)
        return render_pdf(document)


def _offered_sections(cert, language):
    from ..review_exports import certificate_sections

    return certificate_sections(cert, language, offered=True)


def offered_document(cert):
    """The attachment holding the PDF offered for acceptance, or None."""
    if not cert.document_sha256:
        return None
    return Attachment.objects.filter(content_type__model="acceptancecertificate", content_type__app_label="closure",
                                     object_id=cert.pk, sha256=cert.document_sha256).order_by("-pk").first()


def stored_document_sha256(cert) -> str:
    attachment = offered_document(cert)
    if attachment is None:
        return ""
    digest = hashlib.sha256()
    with attachment.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def last_decision(cert):
    return cert.acceptances.order_by("-decided_at", "-pk").first() if cert is not None else None


def acceptance_valid(acceptance) -> bool:
    """Valid while the certificate is still the version decided on, its document the one decided on and its content
    unchanged: a new version, a changed field or item, or another document makes it invalid."""
    if acceptance is None:
        return False
    cert = AcceptanceCertificate.objects.get(pk=acceptance.certificate_id)
    if AcceptanceCertificate.objects.filter(predecessor=cert).exists():
        return False
    return cert.version == acceptance.document_version and bool(cert.document_sha256) \
        and cert.document_sha256 == acceptance.document_sha256 and content_digest(cert) == cert.content_digest


def invalid_reason(acceptance) -> str:
    if acceptance is None or acceptance_valid(acceptance):
        return ""
    return _t("Invalid: the certificate changed after the customer's decision (the document decided on no longer "
              "matches).")


def verify_document(acceptance) -> bool:
    """The full check: the certificate's PDF rendered again has the SHA-256 the customer decided on."""
    cert = AcceptanceCertificate.objects.get(pk=acceptance.certificate_id)
    return hashlib.sha256(document_bytes(cert)).hexdigest() == acceptance.document_sha256


def is_accepted(project) -> bool:
    """The project's certificate in force is accepted, and the acceptance is still valid."""
    cert = certificate_of(project)
    return cert is not None and cert.status == S.ACCEPTED and acceptance_valid(last_decision(cert))


# ---- requesting acceptance ---------------------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_url(token, request=None) -> str:
    path = reverse("closure:sign", args=[token])
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SERVPLAN_SITE_URL", "").rstrip("/") + path


def address_of(contact) -> str:
    """Where a contact's link goes: the contact's e-mail, else the e-mail of their sign-in."""
    return (contact.email or getattr(contact_user(contact), "email", "") or "").strip()


def contact_user(contact):
    return getattr(contact, "user", None) if contact is not None else None


def create_link(cert, user, email, contact=None, language=""):
    """A one-time link for `email`, valid for SERVPLAN_SIGNING_LINK_HOURS; returns (link, token). Only the token's
    SHA-256 is stored."""
    token = new_token()
    link = records.create(SigningLink(certificate=cert, contact=contact, email=email, token_hash=token_hash(token),
                                      expires_at=timezone.now() + timedelta(hours=link_hours()), sent_by=user,
                                      language=language), user)
    return link, token


def send_link(link, token, request=None):
    """E-mail the link in the reader's language (a contact with a login reads theirs, else the company's)."""
    cert = link.certificate
    reader = contact_user(link.contact)
    with context.user_locale(reader):
        expires = display.datetime_text(link.expires_at)
        message = EmailMessage(
            subject=_t("Please accept the project: %(title)s") % {"title": cert.title},
            body=_t("Dear %(name)s,\n\nthe project %(project)s is complete and was verified by our internal review. "
                    "Please read the acceptance certificate %(number)s V%(version)s and accept or reject it with "
                    "your comments at:\n\n%(url)s\n\nThe link can be used once and is valid until %(expires)s.\n"
                    "SHA-256 of the certificate: %(sha)s\n\n%(company)s")
            % {"name": link.contact.name if link.contact else link.email, "project": cert.project.name,
               "number": cert.number, "version": cert.version, "url": sign_url(token, request),
               "expires": expires, "sha": cert.document_sha256, "company": settings.SERVPLAN_COMPANY_NAME},
            from_email=settings.DEFAULT_FROM_EMAIL, to=[link.email])
        attachment = offered_document(cert)
        if attachment is not None:
            with attachment.file.open("rb") as handle:
                message.attach(attachment.name, handle.read(), "application/pdf")
    message.send()


def request_acceptance(cert, user, contacts=(), request=None):
    """Offer the approved certificate: store the exact PDF and its SHA-256, mark it requested, and e-mail a one-time
    link to each chosen contact (with an e-mail address). Returns [(link, token)]."""
    contacts = list(contacts)
    missing = [str(c) for c in contacts if not address_of(c)]
    if missing:
        raise ValidationError({"contacts": _t("No e-mail address for: %(names)s.") % {"names": ", ".join(missing)}})
    foreign = [str(c) for c in contacts if c.customer_id != cert.customer_id]
    if foreign:
        raise ValidationError({"contacts": _t("Not a contact of %(customer)s: %(names)s.")
                               % {"customer": cert.customer, "names": ", ".join(foreign)}})
    with transaction.atomic():
        workflow.fire(cert, "request", user)
        cert.refresh_from_db()
        pdf = document_bytes(cert)
        sha = hashlib.sha256(pdf).hexdigest()
        attachment = Attachment(record=cert, name=f"{cert.number}-V{cert.version}.pdf", size=len(pdf), sha256=sha,
                                content_kind="pdf", uploaded_by=user,
                                description=_t("Document offered for acceptance"))
        attachment.file.save(f"{cert.number}-V{cert.version}.pdf", ContentFile(pdf), save=False)
        attachment.save()
        now = timezone.now()
        AcceptanceCertificate.objects.filter(pk=cert.pk).update(
            document_sha256=sha, content_digest=content_digest(cert), requested_at=now, requested_by=user)
        cert.refresh_from_db()
        audit.record_entry(AuditAction.UPDATE, cert, user=user, snap=audit.snapshot(cert),
                           changes={"document_sha256": ["", sha], "requested_at": [None, now.isoformat()]},
                           comment=display.message(gettext_noop("Offered for acceptance")))
        links = [create_link(cert, user, address_of(contact), contact) for contact in contacts]
    for link, token in links:
        send_link(link, token, request)
    return links


def send_more_links(cert, user, contacts, request=None):
    """Further links for a certificate already offered (another contact, or a link that expired)."""
    if cert.status != S.REQUESTED:
        raise workflow.refuse(_t("Links are sent while the acceptance is requested."))
    if not allowed(user, cert, "request"):
        raise PermissionDenied(_t("Your role may not request acceptance."))
    links = [create_link(cert, user, address_of(contact), contact) for contact in contacts if address_of(contact)]
    for link, token in links:
        send_link(link, token, request)
    return links


# ---- the customer's decision -------------------------------------------------------------------------

def decide(cert, *, decision, method, signer_name, signer_title, signer_organisation, comments="", user=None,
           recorded_by=None, contact=None, link=None, ip=None, user_agent="", scan=None, decided_at=None,
           actor=None) -> Acceptance:
    """Record one decision, the same way for every method, and move the certificate (a rejection returns the project
    to the internal review with the customer's reasons)."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _t("Accept or reject.")})
    if decision == Decision.REJECTED and not (comments or "").strip():
        raise ValidationError({"comments": _t("Give the reasons for rejecting.")})
    for name, value in (("signer_name", signer_name), ("signer_title", signer_title),
                        ("signer_organisation", signer_organisation)):
        if not (value or "").strip():
            raise ValidationError({name: _t("This field is required.")})
    with transaction.atomic():
        locked = AcceptanceCertificate.objects.select_for_update().get(pk=cert.pk)
        if locked.status not in OPEN_FOR_DECISION:
            raise workflow.refuse(_t("%(number)s is %(status)s: it is not waiting for the customer's decision.")
                                  % {"number": locked.number, "status": locked.get_status_display()})
        if stored_document_sha256(locked) != locked.document_sha256:
            raise workflow.refuse(_t("The document offered for acceptance is missing or was changed; request "
                                     "acceptance again."))
        acceptance = Acceptance(
            certificate=locked, decision=decision, comments=comments or "", method=method,
            signer_name=signer_name.strip(), signer_title=signer_title.strip(),
            signer_organisation=signer_organisation.strip(), contact=contact, user=user, recorded_by=recorded_by,
            signing_link=link, decided_at=decided_at or timezone.now(), ip=ip or None,
            user_agent=(user_agent or "")[:300],
            document_sha256=locked.document_sha256, document_version=locked.version, scan=scan)
        acceptance.full_clean()
        acceptance.save()
        audit.record_entry(AuditAction.CREATE, acceptance, snap=audit.snapshot(acceptance), user=user or recorded_by,
                           comment=f"{acceptance.get_method_display()}: {acceptance.get_decision_display()}")
        comment = display.message(
            gettext_noop("%(decision)s by %(name)s (%(title)s, %(organisation)s) through %(method)s; SHA-256 %(sha)s"),
            decision=decision, name=acceptance.signer_name, title=acceptance.signer_title,
            organisation=acceptance.signer_organisation, method=method, sha=acceptance.document_sha256)
        transition = "accept" if decision == Decision.ACCEPTED else "reject"
        if actor is not None:
            workflow.fire(locked, transition, actor, comment)
        else:
            workflow.fire_authorised(locked, transition, comment)
        if decision == Decision.REJECTED:
            review_service.reopen_after_rejection(locked.review, locked.requested_by or locked.author, locked,
                                                  comments.strip())
    cert.refresh_from_db()
    return acceptance


def request_meta(request):
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR"), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def contact_of(user, cert):
    """The customer contact the signed-in user is (customers.Contact.user, when contacts have logins), or None."""
    from customers.models import Contact

    if "user" not in {f.name for f in Contact._meta.get_fields()}:
        return None
    return Contact.objects.filter(user=user, customer_id=cert.customer_id).first()


def answer_survey(acceptance_row, score, comment="", user=None):
    """The satisfaction survey offered at acceptance (reporting's survey, occasion "acceptance"): an answer that
    cannot be recorded (answered already) never undoes the decision; returns the answer or None."""
    from reporting.choices import SurveyOccasion
    from reporting.services import satisfaction

    if not score:
        return None
    contract = acceptance_row.certificate.project.contract
    try:
        return satisfaction.record(score=int(score), occasion=SurveyOccasion.ACCEPTANCE, contract=contract,
                                   comment=comment, user=user, respondent_name=acceptance_row.signer_name)
    except ValidationError:
        return None


def decide_in_portal(cert, user, decision, comments="", signer_title="", request=None, score=None,
                     survey_comment="") -> Acceptance:
    """A signed-in customer contact accepts or rejects in the customer view (and may answer the survey)."""
    if not allowed(user, cert, "accept" if decision == Decision.ACCEPTED else "reject"):
        raise PermissionDenied(_t("You may not decide on this certificate."))
    contact = contact_of(user, cert)
    row = decide(cert, decision=decision, method=Method.PORTAL,
                 signer_name=(contact.name if contact else user.get_full_name() or user.username),
                 signer_title=signer_title or (contact.job_title if contact else ""),
                 signer_organisation=str(cert.customer), comments=comments, user=user, contact=contact,
                 actor=user, **request_meta(request))
    answer_survey(row, score, survey_comment, user=user)
    return row


def link_for(token, certificate=None) -> SigningLink:
    """The unused, unexpired link the token opens; `certificate`: the certificate the signer is deciding on, which
    must be the link's own (a link for one project never decides another's)."""
    link = SigningLink.objects.select_related("certificate", "contact").filter(token_hash=token_hash(token or "")) \
        .first()
    if link is None:
        raise workflow.refuse(_t("This signing link is not valid."))
    if certificate is not None and link.certificate_id != getattr(certificate, "pk", certificate):
        raise workflow.refuse(_t("This signing link belongs to another certificate."))
    if link.used_at is not None:
        raise workflow.refuse(_t("This signing link was already used on %(when)s.")
                              % {"when": display.datetime_text(link.used_at)})
    if link.expires_at <= timezone.now():
        raise workflow.refuse(_t("This signing link expired on %(when)s; ask for a new one.")
                              % {"when": display.datetime_text(link.expires_at)})
    return link


def decide_by_link(token, certificate, decision, signer_name, signer_title, signer_organisation, comments="",
                   request=None, score=None, survey_comment="") -> Acceptance:
    """The holder of a one-time link confirms name, title and organisation and decides; the link is spent."""
    with transaction.atomic():
        link = link_for(token, certificate)
        spent = SigningLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not spent:
            raise workflow.refuse(_t("This signing link was already used."))
        acceptance = decide(link.certificate, decision=decision, method=Method.LINK, signer_name=signer_name,
                            signer_title=signer_title, signer_organisation=signer_organisation, comments=comments,
                            contact=link.contact, link=link, **request_meta(request))
    answer_survey(acceptance, score, survey_comment)
    return acceptance


def record_paper(cert, user, scan_file, decision, signer_name, signer_title, signer_organisation, comments="",
                 decided_on=None, request=None) -> Acceptance:
    """Whoever received the certificate signed on paper uploads the scan with the signer's details."""
    if not allowed(user, Acceptance, "add") or not allowed(user, cert, "accept"):
        raise PermissionDenied(_t("Your role may not record a signed certificate."))
    if scan_file is None:
        raise ValidationError({"scan": _t("Upload the scan of the signed certificate.")})
    info = check_upload(scan_file)
    decided_at = None
    if decided_on is not None:
        decided_at = timezone.make_aware(timezone.datetime.combine(decided_on, timezone.datetime.min.time()).replace(
            hour=12))
    with transaction.atomic():
        scan = Attachment(record=cert, file=scan_file, name=scan_file.name[:200], size=info["size"],
                          sha256=info["sha256"], content_kind=info["kind"], uploaded_by=user,
                          description=_t("Certificate signed on paper"))
        scan.save()
        audit.record_entry(AuditAction.ATTACH, cert, comment=scan.name, user=user,
                           changes={"attachment": [None, {"name": scan.name, "sha256": info["sha256"],
                                                           "size": info["size"]}]})
        return decide(cert, decision=decision, method=Method.PAPER, signer_name=signer_name,
                      signer_title=signer_title, signer_organisation=signer_organisation, comments=comments,
                      recorded_by=user, scan=scan, decided_at=decided_at, actor=user, **request_meta(request))
