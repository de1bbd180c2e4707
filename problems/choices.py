"""Choices of problem management (SP-4.5.4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    """A problem: identified, analysed by the Service Department, its solution approved by that department's manager,
    carried out by the project team, verified, closed."""

    DRAFT = "draft", _("Identified")
    ANALYSIS = "analysis", _("Under analysis")
    IN_REVIEW = "in_review", _("Solution in review")
    # Stored as "approved" like every record's approving state, so exports and the register read its sign-offs.
    APPROVED = "approved", _("Solution approved")
    IMPLEMENTING = "implementing", _("Implementing")
    VERIFICATION = "verification", _("Verification")
    CLOSED = "closed", _("Closed")
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATES = (ProblemStatus.DRAFT, ProblemStatus.ANALYSIS, ProblemStatus.IN_REVIEW, ProblemStatus.APPROVED,
               ProblemStatus.IMPLEMENTING, ProblemStatus.VERIFICATION)


class RootCauseMethod(models.TextChoices):
    FIVE_WHYS = "five_whys", _("5 whys")
    CATEGORIES = "categories", _("Cause categories")


class CauseCategory(models.TextChoices):
    PEOPLE = "people", _("People")
    PROCESS = "process", _("Process")
    TECHNOLOGY = "technology", _("Technology")
    SUPPLIER = "supplier", _("Supplier")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
