"""Choices of the pre-sales records (other apps import these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequirementKind(models.TextChoices):
    NEW = "new", _("New service")
    CHANGE = "change", _("Change to an existing contract")


class FitItem(models.TextChoices):
    """What one row of a proposal's fit check compares."""

    SERVICE_WINDOW = "service_window", _("Service window")
    AVAILABILITY = "availability", _("Availability")
    RESPONSE = "response", _("Response time")
    RESOLUTION = "resolution", _("Resolution time")
    RTO = "rto", _("RTO")
    RPO = "rpo", _("RPO")
    USERS = "users", _("Users")
    DEVICES = "devices", _("Devices")
    TICKETS = "tickets", _("Tickets per month")
