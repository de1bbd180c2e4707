"""Choices of the contract stage (other apps import these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedStatus(models.TextChoices):
    """Contracts and SLAs: the generic review states plus signed (签署) before superseded."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewStatus(models.TextChoices):
    """A contract review collects opinions while in review and has passed once the rule is met."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Collecting opinions")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Passed")
    SUPERSEDED = "superseded", _("Superseded")


class Verdict(models.TextChoices):
    AGREE = "agree", _("Agree")
    CONDITIONAL = "conditional", _("Agree with conditions")
    DISAGREE = "disagree", _("Disagree")
