"""Choices of the continual improvement register (SP-4.5.6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImprovementStatus(models.TextChoices):
    """open (draft) → in progress → implemented → effectiveness check in review → closed."""

    DRAFT = "draft", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    CHECK_IN_REVIEW = "in_review", _("Effectiveness check in review")
    # Stored as "approved" like every record's approving state, so exports and the register read its sign-offs.
    CLOSED = "approved", _("Closed")
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATES = (ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS, ImprovementStatus.IMPLEMENTED,
               ImprovementStatus.CHECK_IN_REVIEW)


class SourceKind(models.TextChoices):
    """Where an improvement comes from (the one register is fed from every source, SP-4.5.6)."""

    MISSED_TARGET = "missed_target", _("Missed target of a monthly report")
    MEETING_ACTION = "meeting_action", _("Meeting action")
    PROBLEM = "problem", _("Problem")
    SECURITY_INCIDENT = "security_incident", _("Security incident")
    COMPLAINT = "complaint", _("Customer complaint")
    LOW_SATISFACTION = "low_satisfaction", _("Low satisfaction score")
    INTERNAL_REVIEW = "internal_review", _("Internal review")
    AUDIT_FINDING = "audit_finding", _("Audit finding")
    MANAGEMENT_REVIEW = "management_review", _("Management review")
    FOLLOW_UP = "follow_up", _("Follow-up of an improvement not effective")
    OTHER = "other", _("Other")


# Entered by hand with a reference (no record in the system to link).
TYPED_BY_HAND = (SourceKind.COMPLAINT, SourceKind.AUDIT_FINDING, SourceKind.MANAGEMENT_REVIEW, SourceKind.OTHER)


class MeasureKind(models.TextChoices):
    """The measure an improvement should move (improvement.measures computes each)."""

    RESPONSE = "response", _("Response achievement")
    RESOLUTION = "resolution", _("Resolution achievement")
    AVAILABILITY = "availability", _("Availability")
    CATEGORY_TICKETS = "category_tickets", _("Tickets of a category per month")
    SATISFACTION = "satisfaction", _("Average satisfaction score")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
