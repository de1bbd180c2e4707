"""Choices of the supplier register (SP-2.6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplierCategory(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")
    SERVICE = "service", _("Subcontracted service")
