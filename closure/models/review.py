"""The internal review (verification) 内部评审 of a project before the customer is asked to accept it (SP-4.5.3).

Each criterion comes from the contract (its services and SLA), the approved project plan (acceptance criteria,
quality objectives, milestones and deliverables), is added by the project team, or comes back from a customer's
rejection. A reviewer of the criterion's department judges it after the review is submitted: pass, fail, or an
accepted deviation (the deviation stated, and who accepted it). Verdicts are given during the review, like a
contract review's opinions, so they are not rows frozen with the record; each belongs to one review round.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow
from projects.models import ProjectRecord


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Under review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Passed")
    SUPERSEDED = "superseded", _("Superseded")


class CriterionSource(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    PLAN = "plan", _("Project plan")
    ADDED = "added", _("Added by the project team")
    CUSTOMER = "customer", _("Customer's rejection")


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    DEVIATION = "deviation", _("Accepted deviation")


SETTLED = (Verdict.PASS, Verdict.DEVIATION)


class InternalReview(ProjectRecord):
    """内部评审记录: every acceptance and delivery criterion of the project with its evidence and verdict."""

    departments = models.ManyToManyField("org.Department", blank=True, related_name="+",
                                         verbose_name=_("reviewing departments"),
                                         help_text=_("The departments the project involved; each judges the "
                                                     "criteria assigned to it."))
    conclusion = models.TextField(_("conclusion"), blank=True)
    customer_reasons = models.TextField(_("customer's reasons for rejecting"), blank=True, editable=False,
                                        help_text=_("Set when the customer rejected the acceptance certificate: "
                                                    "the review is done again with them."))

    class Meta(ProjectRecord.Meta):
        verbose_name = _("internal review record")
        verbose_name_plural = _("internal review records")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="closure_review_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    def full_clean(self, *args, **kwargs):
        if self.project_id and not self.title:
            self.title = _t("Internal review: %(project)s") % {"project": self.project.name}
        return super().full_clean(*args, **kwargs)

    def outcome(self):
        from ..services.review import outcome

        return outcome(self)

    def export_sections(self, language):
        from ..review_exports import review_sections

        return review_sections(self, language)


class ReviewCriterion(ChildRow):
    """One acceptance or delivery criterion, where it comes from, the department judging it and the evidence."""

    parent_field = "review"

    review = models.ForeignKey(InternalReview, models.CASCADE, related_name="criteria",
                               verbose_name=_("internal review record"))
    criterion = models.CharField(_("criterion"), max_length=300)
    source = models.CharField(_("source"), max_length=20, choices=CriterionSource.choices,
                              default=CriterionSource.ADDED)
    reference = models.CharField(_("reference"), max_length=200, blank=True,
                                 help_text=_("What the criterion comes from, e.g. the plan's number and its "
                                             "quality objective."))
    department = models.ForeignKey("org.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("judged by (department)"))
    evidence = models.TextField(_("evidence"), blank=True,
                                help_text=_("What shows the criterion is met: figures, tests, documents."))
    evidence_records = models.ManyToManyField("core.RecordIndex", blank=True, related_name="+",
                                              verbose_name=_("evidence records"))

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self):
        return self.criterion


class CriterionVerdict(BaseModel):
    """A reviewer's verdict on one criterion in one review round (not frozen: given during the review)."""

    criterion = models.ForeignKey(ReviewCriterion, models.CASCADE, related_name="verdicts",
                                  verbose_name=_("review criterion"))
    review_round = models.PositiveIntegerField(_("review round"), editable=False)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    deviation = models.TextField(_("deviation"), blank=True,
                                 help_text=_("What differs from the criterion and why it is acceptable."))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False,
                                 verbose_name=_("reviewer"))
    given_at = models.DateTimeField(_("given at"), editable=False)
    carried = models.BooleanField(_("carried over"), default=False, editable=False,
                                  help_text=_("A pass or accepted deviation of the previous round, kept when the "
                                              "review was submitted again."))

    scope_paths = {"project": "criterion__review__project", "contract": "criterion__review__project__contract",
                   "customer": "criterion__review__customer"}

    class Meta:
        ordering = ["criterion", "review_round", "pk"]
        verbose_name = _("criterion verdict")
        verbose_name_plural = _("criterion verdicts")

    def __str__(self):
        return f"{self.criterion}: {self.get_verdict_display()}"

    def get_absolute_url(self):
        return self.criterion.get_absolute_url()

    @property
    def accepted_by(self):
        """Who accepted a deviation: the reviewer who gave the verdict."""
        return self.reviewer if self.verdict == Verdict.DEVIATION else None

    def clean(self):
        super().clean()
        try:
            review = self.criterion.review
        except ObjectDoesNotExist:
            return
        if review.status != ReviewStatus.IN_REVIEW:
            raise ValidationError(_t("%(review)s is %(status)s: verdicts are given while it is under review.")
                                  % {"review": review, "status": review.get_status_display()}, code="frozen")
        if self.verdict == Verdict.FAIL and not self.comment.strip():
            raise ValidationError({"comment": _t("Say what is missing or wrong.")})
        if self.verdict == Verdict.DEVIATION and not self.deviation.strip():
            raise ValidationError({"deviation": _t("State the deviation and why it is acceptable.")})
