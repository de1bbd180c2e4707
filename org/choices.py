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


# The zones a user may read times in (My settings); empty: the company's (settings.TIME_ZONE). Labelled by place,
# so that nobody reads an offset; the list covers where a Chinese IT service company's staff and customers work.
TIME_ZONES = [
    ("Asia/Shanghai", _("China (Beijing time)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Kuala_Lumpur", _("Kuala Lumpur")),
    ("Asia/Bangkok", _("Bangkok")),
    ("Asia/Jakarta", _("Jakarta")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Asia/Seoul", _("Seoul")),
    ("Asia/Kolkata", _("India")),
    ("Asia/Dubai", _("Dubai")),
    ("Europe/London", _("London")),
    ("Europe/Berlin", _("Berlin, Paris")),
    ("Europe/Moscow", _("Moscow")),
    ("America/New_York", _("New York")),
    ("America/Chicago", _("Chicago")),
    ("America/Los_Angeles", _("Los Angeles")),
    ("Australia/Sydney", _("Sydney")),
    ("Etc/UTC", _("Coordinated universal time")),
]
