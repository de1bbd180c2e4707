from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "service_request", _("Service request")
    CHANGE = "change", _("Change")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", _("JSON (array or JSON Lines)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    WRITING = "writing", _("Writing")
    COMPUTING = "computing", _("Computing SLA clocks")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected (errors in file)")
    FAILED = "failed", _("Failed")

    @classmethod
    def finished(cls):
        return (cls.DONE, cls.REJECTED, cls.FAILED)
