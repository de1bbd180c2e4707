from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("finding status", "Open")
    ACCEPTED = "accepted", _("Accepted with justification")
    IMPROVEMENT = "improvement", _("Turned into an improvement")
    RESOLVED = "resolved", _("No longer found")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("On demand")
    SCHEDULED = "scheduled", _("Scheduled")


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PackState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
