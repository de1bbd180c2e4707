from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why a person is told: each worklist item is told once per kind, the most urgent that applies when it is
    first seen (an item first seen overdue is not also announced as assigned or due)."""

    # An item that needs the person now (an information security incident to acknowledge, or its escalation):
    # e-mailed at once whatever the digest setting (unless the person has no e-mail address).
    URGENT = "urgent", _("Urgent: needs you now")
    APPROVAL = "approval", _("Waiting for your approval")
    ASSIGNED = "assigned", _("New for you to do")
    DUE = "due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation: overdue in your department")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("At once, one per notification")
    DIGEST = "digest", _("Daily digest at 08:00")
    NONE = "none", _("No e-mail")
