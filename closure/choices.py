"""Choices of the closure stage, one block per sub-domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# ---- summary report ----


class LessonKind(models.TextChoices):
    WENT_WELL = "went_well", _("Went well (keep doing)")
    TO_IMPROVE = "to_improve", _("To improve")
