from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    MANAGEMENT = "management", _("Company management")
    TECHNICAL_SERVICE_DIVISION = "tsd", _("Technical Service Division")
    SERVICE = "service", _("Service Department")
    COMMERCE = "commerce", _("Commerce Department")
    SALES = "sales", _("Sales Department")
    QUALITY = "quality", _("Quality / audit")
    OTHER = "other", _("Other")
