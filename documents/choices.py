from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    MANUAL = "manual", _("Manual")
    PROCEDURE = "procedure", _("Procedure")
    INSTRUCTION = "instruction", _("Work instruction")
    FORM = "form", _("Form / template")
    POLICY = "policy", _("Policy")
