"""The acceptance certificate 项目验收证明: generated from the passed review, offered with the SHA-256 of its exact PDF,
accepted or rejected in three ways recorded alike; a change after acceptance invalidates it; signing links are
one-time, expire, and are bound to their certificate."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import records
from core.context import acting_as

from ..models.acceptance import Acceptance, AcceptanceCertificate, CertificateStatus, Method, SigningLink
from ..models.review import ReviewStatus
from ..services import acceptance
from ..services import review as review_service
from .helpers_acceptance import customer_user, requested_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    """A browser without a ServPlan account, reading English (the messages asserted are the source strings)."""
    from django.test import Client

    return Client(headers={"accept-language": "en"})


def test_certificate_from_the_passed_review_and_the_request_fixes_the_document(demo):
    cert, links = requested_certificate(demo)
    assert cert.status == CertificateStatus.REQUESTED
    assert cert.items.count() == cert.review.criteria.count()
    offered = acceptance.offered_document(cert)
    assert offered is not None and offered.sha256 == cert.document_sha256
    assert acceptance.stored_document_sha256(cert) == cert.document_sha256
    # The same version renders to the same bytes: what the customer decides on can be checked again.
    assert hashlib.sha256(acceptance.document_bytes(cert)).hexdigest() == cert.document_sha256
    assert len(links) == 1 and len(mail.outbox) == 1
    link, token = links[0]
    assert token in mail.outbox[0].body and cert.document_sha256 in mail.outbox[0].body
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash


def test_accept_through_a_link_records_who_how_and_the_hash(demo, client):
    cert, [(link, token)] = requested_certificate(demo)
    page = client.get(f"/closure/sign/{token}/")
    assert page.status_code == 200 and cert.number in page.content.decode()
    response = client.post(f"/closure/sign/{token}/", {
        "certificate": cert.pk, "decision": "accepted", "signer_name": "陈丽", "signer_title": "信息中心主任",
        "signer_organisation": str(cert.customer), "confirm": "on"}, HTTP_USER_AGENT="pytest-browser",
        REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200, response.content.decode()[:500]
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.ACCEPTED
    decision = Acceptance.objects.get(certificate=cert)
    assert (decision.method, decision.signer_name, decision.signer_title) == (Method.LINK, "陈丽", "信息中心主任")
    assert decision.ip == "203.0.113.9" and decision.user_agent == "pytest-browser"
    assert decision.document_sha256 == cert.document_sha256 and decision.document_version == cert.version
    assert decision.signing_link_id == link.pk and decision.user_id is None
    assert acceptance.acceptance_valid(decision) and acceptance.verify_document(decision)
    assert acceptance.is_accepted(cert.project)
    # The link was used: a second use is refused with a page saying so.
    again = client.get(f"/closure/sign/{token}/")
    assert again.status_code == 410 and "already used" in again.content.decode()


def test_a_changed_certificate_after_acceptance_shows_the_acceptance_invalid(demo, client_for):
    cert, [(link, token)] = requested_certificate(demo)
    decision = acceptance.decide_by_link(token, cert.pk, "accepted", "陈丽", "主任", str(cert.customer))
    assert acceptance.acceptance_valid(decision)
    # A change of the certificate's content (even outside the application) invalidates the acceptance...
    AcceptanceCertificate.objects.filter(pk=cert.pk).update(statement="另行约定的验收声明")
    assert not acceptance.acceptance_valid(decision)
    assert not acceptance.is_accepted(cert.project)
    AcceptanceCertificate.objects.filter(pk=cert.pk).update(statement=cert.statement)
    assert acceptance.acceptance_valid(decision)
    # ...and so does a new version of the certificate.
    with acting_as(demo["pm"]):
        records.new_version(cert, demo["pm"], comment="修改交付物")
    assert not acceptance.acceptance_valid(decision)
    page = client_for("pm").get(cert.get_absolute_url())
    assert "acceptance-invalid" in page.content.decode()
    assert "invalid: the certificate changed after acceptance" in page.content.decode()
    api = client_for("pm").get(f"/api/closure/acceptances/{decision.pk}/").json()
    assert api["valid"] is False


def test_used_expired_and_foreign_links_are_refused(demo, client):
    cert, [(link, token)] = requested_certificate(demo)
    # expired
    SigningLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expired"):
        acceptance.decide_by_link(token, cert.pk, "accepted", "陈丽", "主任", "客户")
    assert client.get(f"/closure/sign/{token}/").status_code == 410
    SigningLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(hours=1))
    # a link for this certificate cannot decide another project's certificate
    other = AcceptanceCertificate.objects.create(
        project=cert.project, review=cert.review, number="SP-ACC-OTHER", title="其他",
        owner_department=cert.owner_department,
        author=demo["pm"], period_start=cert.period_start, period_end=cert.period_end, statement="x",
        status=CertificateStatus.REQUESTED)
    with pytest.raises(ValidationError, match="another certificate"):
        acceptance.decide_by_link(token, other.pk, "accepted", "陈丽", "主任", "客户")
    api = client.post("/closure/sign/api/decide/", {
        "token": token, "certificate": other.pk, "decision": "accepted", "signer_name": "陈丽",
        "signer_title": "主任", "signer_organisation": "客户"}, content_type="application/json")
    assert api.status_code == 400 and "another certificate" in api.content.decode()
    assert not Acceptance.objects.filter(certificate__in=[cert, other]).exists()
    # used
    acceptance.decide_by_link(token, cert.pk, "accepted", "陈丽", "主任", "客户")
    with pytest.raises(ValidationError, match="already used"):
        acceptance.decide_by_link(token, cert.pk, "rejected", "陈丽", "主任", "客户", comments="x")
    # unknown
    assert client.get("/closure/sign/not-a-token/").status_code == 410


def test_rejection_returns_the_project_to_the_review_with_the_reasons(demo):
    cert, [(link, token)] = requested_certificate(demo)
    with pytest.raises(ValidationError):  # a rejection gives reasons
        acceptance.decide_by_link(token, cert.pk, "rejected", "陈丽", "主任", "客户")
    acceptance.decide_by_link(token, cert.pk, "rejected", "陈丽", "主任", "客户", comments="缺少运维手册移交")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REJECTED
    again = review_service.review_of(cert.project)
    assert again.version == cert.review.version + 1 and again.status == ReviewStatus.DRAFT
    assert again.customer_reasons == "缺少运维手册移交"
    assert again.criteria.filter(source="customer", criterion__contains="缺少运维手册移交").exists()
    assert not acceptance.is_accepted(cert.project)


def test_customer_contact_accepts_in_the_customer_view_and_via_api(demo, client_for):
    from django.test import Client

    cert, _links = requested_certificate(demo, contacts=False)
    user = customer_user(cert.customer, demo)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    page = client.get(f"/closure/acceptancecertificate/{cert.pk}/respond/")
    assert page.status_code == 200 and cert.number in page.content.decode()
    answer = client.post(f"/api/closure/acceptance-certificates/{cert.pk}/decide/",
                         {"decision": "accepted", "signer_title": "信息中心主任", "score": 5,
                          "survey_comment": "项目交付及时"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    decision = Acceptance.objects.get(certificate=cert)
    assert decision.method == Method.PORTAL and decision.user == user and decision.signer_title == "信息中心主任"
    assert decision.contact == user.customer_contact and decision.signer_name == "陈丽"
    assert decision.document_sha256 == cert.document_sha256
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.ACCEPTED
    # The acceptance survey was answered with the decision (reporting's survey, occasion "acceptance").
    from reporting.models import SatisfactionResponse

    answer = SatisfactionResponse.objects.get(contract__number=cert.project.contract.number, respondent=user)
    assert (answer.occasion, answer.score, answer.comment) == ("acceptance", 5, "项目交付及时")
    # The customer's page now shows the recorded decision; other customers' certificates and the internal review
    # are not theirs to see.
    page = client.get(f"/closure/acceptancecertificate/{cert.pk}/respond/")
    assert page.status_code == 200 and "respond-form" not in page.content.decode()
    assert client.get(cert.review.get_absolute_url()).status_code == 404
    assert client.get(f"/api/closure/internal-reviews/{cert.review.pk}/").status_code == 404


def test_paper_copy_recorded_with_its_scan(demo, client_for):
    cert, _links = requested_certificate(demo, contacts=False)
    pm = client_for("pm")
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n% signed scan\n%%EOF\n", content_type="application/pdf")
    response = pm.post(f"/closure/acceptancecertificate/{cert.pk}/respond/", {
        "decision": "accepted", "signer_name": "陈丽", "signer_title": "信息中心主任",
        "signer_organisation": str(cert.customer), "decided_on": "2026-11-20", "scan": scan})
    assert response.status_code == 302, response.content.decode()[:800]
    decision = Acceptance.objects.get(certificate=cert)
    assert decision.method == Method.PAPER and decision.recorded_by == demo["pm"] and decision.scan is not None
    assert decision.scan.name == "signed.pdf"
    export = pm.get(f"/closure/acceptancecertificate/{cert.pk}/export/?format=pdf")
    assert export.status_code == 200 and export.content.startswith(b"%PDF")
