"""Choices of the strategy stage: the management review's decisions (SP-2.1, SP-2.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    """What the General Manager decides in a management review (ISO/IEC 20000-1 9.3 outputs)."""

    GOAL_CHANGE = "goal_change", _("Change to an annual goal")
    RESOURCES = "resources", _("Resources")
    IMPROVEMENT = "improvement", _("Improvement to open")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class DecisionStatus(models.TextChoices):
    """A decision is tracked after the review is approved: open until done (or cancelled, with the reason)."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
