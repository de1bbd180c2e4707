"""Choices of the closure stage (SP-4.5.2, SP-4.5.3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# ---- project closure ----

class ClosureStatus(models.TextChoices):
    """A project's closure: the project team requests it, the Service Department manager closes the project."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Closure requested")
    RETURNED = "returned", _("Returned")
    # Stored as "approved" like every record's approving state, so exports and the register read its sign-offs.
    CLOSED = "approved", _("Project closed")
    SUPERSEDED = "superseded", _("Superseded")


class DispositionKind(models.TextChoices):
    """How an open checklist item is settled other than by the project's own state."""

    WAIVED = "waived", _("Waived")
    HANDED_OVER = "handed_over", _("Handed over")

# ---- summary report ----


class LessonKind(models.TextChoices):
    WENT_WELL = "went_well", _("Went well (keep doing)")
    TO_IMPROVE = "to_improve", _("To improve")
