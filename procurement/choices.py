"""Choices of procurement (SP-2.6): procurement plans 采购计划, their implementation 采购项目 and tenders 招标/谈判."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    """A plan is drafted, approved (by Commerce when major, else by the Service Department manager or Commerce),
    implemented item by item, and completed once every item is accepted (for a major plan Commerce approves the
    implementation)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved: being implemented")
    COMPLETED = "completed", _("Implemented")
    SUPERSEDED = "superseded", _("Superseded")


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    BIDDING = "bidding", _("Bidding")
    EVALUATION = "evaluation", _("Evaluation")
    IN_REVIEW = "in_review", _("Award proposed")
    AWARDED = "awarded", _("Awarded")
    SUPERSEDED = "superseded", _("Superseded")


class TenderMethod(models.TextChoices):
    OPEN = "open", _("Open tender")
    INVITED = "invited", _("Invited tender")
    NEGOTIATION = "negotiation", _("Competitive negotiation")


class ExceptionStatus(models.TextChoices):
    """An exception to the qualified-supplier rule for one purchase: asked for with a reason, decided by Commerce."""

    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class PurchaseStage(models.TextChoices):
    """How far an item's implementation has come (read from its dates)."""

    PLANNED = "planned", _("Planned")
    REQUESTED = "requested", _("Requested")
    ORDERED = "ordered", _("Ordered")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", _("Accepted")
