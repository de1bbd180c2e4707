"""Choices of the supplier register (SP-2.6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplierCategory(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")
    SERVICE = "service", _("Subcontracted service")


class EvaluationStatus(models.TextChoices):
    """A supplier evaluation: drafted by Commerce, scored by its evaluators (blind until all have scored), reviewed
    and approved by Commerce."""

    DRAFT = "draft", _("Draft")
    SCORING = "scoring", _("Scoring")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class CriterionKind(models.TextChoices):
    QUALITY = "quality", _("Quality")
    DELIVERY = "delivery", _("Delivery")
    PRICE = "price", _("Price")
    SERVICE = "service", _("Service")
    COMPLIANCE = "compliance", _("Compliance")
    OTHER = "other", _("Other")


# The criteria a new evaluation starts with and their weights (they add up to 100).
DEFAULT_CRITERIA = (
    (CriterionKind.QUALITY, 30),
    (CriterionKind.DELIVERY, 25),
    (CriterionKind.PRICE, 20),
    (CriterionKind.SERVICE, 15),
    (CriterionKind.COMPLIANCE, 10),
)
