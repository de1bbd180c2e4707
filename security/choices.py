"""Choices of information security incidents (SP-4.5.5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentStatus(models.TextChoices):
    """reported → acknowledged (the TSD director, or whoever the escalation reached) → solution drawn up (with the
    PM) → solution approved → implementing → verified (Service Department) → closed."""

    DRAFT = "draft", _("Draft")
    REPORTED = "reported", _("Reported")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SOLUTION_DRAWN_UP = "solution_drawn_up", _("Solution drawn up")
    SOLUTION_APPROVED = "solution_approved", _("Solution approved")
    IMPLEMENTING = "implementing", _("Implementing")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATES = (IncidentStatus.DRAFT, IncidentStatus.REPORTED, IncidentStatus.ACKNOWLEDGED,
               IncidentStatus.SOLUTION_DRAWN_UP, IncidentStatus.SOLUTION_APPROVED, IncidentStatus.IMPLEMENTING,
               IncidentStatus.VERIFIED)


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Detection(models.TextChoices):
    """How the incident was found."""

    IMPORT_COLUMN = "import_column", _("Security column of the ticket import")
    KEYWORD = "keyword", _("Keyword rule")
    BY_HAND = "by_hand", _("Marked by hand")
