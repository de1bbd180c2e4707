"""The project acceptance certificate 项目验收证明 (SP-4.5.3), the customer's decisions on it and signing links.

The certificate is generated from the passed internal review (its criteria, results and deviations, the period and
the deliverables), approved internally by the Service Department manager, then offered to the customer: the PDF of
that exact version is rendered once (deterministic bytes), kept as the certificate's attachment and its SHA-256
recorded. The customer accepts or rejects in one of three ways, all recorded alike as an `Acceptance`: in the
customer view, through a one-time signing link, or on paper (a scan uploaded by whoever recorded it).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow
from projects.models import ProjectRecord


class CertificateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In internal approval")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved internally")
    REQUESTED = "requested", _("Acceptance requested")
    ACCEPTED = "accepted", _("Accepted by the customer")
    REJECTED = "rejected", _("Rejected by the customer")
    SUPERSEDED = "superseded", _("Superseded")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accept")
    REJECTED = "rejected", _("Reject")


class Method(models.TextChoices):
    PORTAL = "portal", _("Customer view (signed in)")
    LINK = "link", _("One-time signing link")
    PAPER = "paper", _("Signed on paper (scan)")


class AcceptanceCertificate(ProjectRecord):
    """项目验收证明: what was delivered and verified, offered to the customer for acceptance."""

    customer_copy = True  # sent to the customer: its export carries the customer's classification
    new_version_resets = ("document_sha256", "requested_at", "requested_by")

    review = models.ForeignKey("closure.InternalReview", models.PROTECT, related_name="certificates",
                               verbose_name=_("internal review record"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    deliverables = models.TextField(_("deliverables"), blank=True, help_text=_("One deliverable per line."))
    statement = models.TextField(_("acceptance statement"),
                                 help_text=_("What the customer confirms by accepting."))
    document_sha256 = models.CharField(_("SHA-256 of the document offered"), max_length=64, blank=True,
                                       editable=False)
    content_digest = models.CharField(max_length=64, blank=True, editable=False)
    requested_at = models.DateTimeField(_("acceptance requested at"), null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False, verbose_name=_("acceptance requested by"))

    audit_derived_fields = ("content_digest",)

    class Meta(ProjectRecord.Meta):
        verbose_name = _("project acceptance certificate")
        verbose_name_plural = _("project acceptance certificates")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="closure_certificate_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    def full_clean(self, *args, **kwargs):
        if self.project_id and not self.title:
            self.title = _t("Project acceptance certificate: %(project)s") % {"project": self.project.name}
        return super().full_clean(*args, **kwargs)

    def export_sections(self, language):
        from ..review_exports import certificate_sections

        return certificate_sections(self, language)


class CertificateItem(ChildRow):
    """A criterion of the passed review as the certificate states it: result and any accepted deviation."""

    parent_field = "certificate"

    certificate = models.ForeignKey(AcceptanceCertificate, models.CASCADE, related_name="items",
                                    verbose_name=_("project acceptance certificate"))
    criterion = models.CharField(_("criterion"), max_length=300)
    result = models.CharField(_("result"), max_length=20, choices=[("pass", _("Pass")),
                                                                   ("deviation", _("Accepted deviation"))])
    deviation = models.TextField(_("deviation"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["certificate", "pk"]
        verbose_name = _("certificate item")
        verbose_name_plural = _("certificate items")

    def __str__(self):
        return self.criterion


class Acceptance(BaseModel):
    """The customer's decision on one certificate version: who, when, how, from where, on which document."""

    certificate = models.ForeignKey(AcceptanceCertificate, models.PROTECT, related_name="acceptances",
                                    verbose_name=_("project acceptance certificate"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comments = models.TextField(_("comments"), blank=True)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    signer_name = models.CharField(_("signer's name"), max_length=100)
    signer_title = models.CharField(_("signer's title"), max_length=100)
    signer_organisation = models.CharField(_("signer's organisation"), max_length=200)
    contact = models.ForeignKey("customers.Contact", models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("customer contact"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("signed in as"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    signing_link = models.ForeignKey("closure.SigningLink", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("signing link"))
    decided_at = models.DateTimeField(_("decided at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64)
    document_version = models.PositiveIntegerField(_("certificate version"))
    scan = models.ForeignKey("core.Attachment", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("signed scan"))

    scope_paths = {"project": "certificate__project", "contract": "certificate__project__contract",
                   "customer": "certificate__customer"}

    class Meta:
        ordering = ["certificate", "decided_at", "pk"]
        verbose_name = _("customer acceptance")
        verbose_name_plural = _("customer acceptances")

    def __str__(self):
        return f"{self.certificate.number} V{self.document_version}: {self.get_decision_display()} " \
               f"({self.signer_name})"

    def get_absolute_url(self):
        return self.certificate.get_absolute_url()

    @property
    def valid(self) -> bool:
        from ..services.acceptance import acceptance_valid

        return acceptance_valid(self)


class SigningLink(BaseModel):
    """A one-time link e-mailed to a customer contact: only its SHA-256 is stored; bound to one certificate."""

    certificate = models.ForeignKey(AcceptanceCertificate, models.CASCADE, related_name="signing_links",
                                    verbose_name=_("project acceptance certificate"))
    contact = models.ForeignKey("customers.Contact", models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("customer contact"))
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))
    language = models.CharField(_("language"), max_length=10, blank=True)

    scope_paths = {"project": "certificate__project", "contract": "certificate__project__contract",
                   "customer": "certificate__customer"}
    audit_derived_fields = ("token_hash",)

    class Meta:
        ordering = ["certificate", "-created"]
        verbose_name = _("signing link")
        verbose_name_plural = _("signing links")

    def __str__(self):
        return f"{self.certificate.number} → {self.email}"

    def get_absolute_url(self):
        return self.certificate.get_absolute_url()
