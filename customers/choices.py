"""Choices of the customer records (other apps import these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """What a configuration item of the customer's IT environment is (SP-4.1.2)."""

    SERVER = "server", _("Server")
    NETWORK = "network", _("Network device")
    APPLICATION = "application", _("Application")
    STORAGE = "storage", _("Storage")
    OTHER = "other", _("Other")


class ImportKind(models.TextChoices):
    """What a customer environment file holds."""

    ITEMS = "items", _("Configuration items")
    OPERATING = "operating", _("Operating data")
