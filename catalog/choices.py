"""Choices of the service catalogue and the business calendars (other apps import these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    """Ticket priorities; every tier has one target row per priority."""

    P1 = "P1", _("P1 – critical")
    P2 = "P2", _("P2 – high")
    P3 = "P3", _("P3 – medium")
    P4 = "P4", _("P4 – low")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    LIVE = "live", _("Live")
    RETIRED = "retired", _("Retired")


class SkillLevel(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    INTERMEDIATE = "intermediate", _("Intermediate")
    SENIOR = "senior", _("Senior")
    EXPERT = "expert", _("Expert")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (closed)")
    WORKDAY = "workday", _("Adjusted workday (open)")
    HOURS = "hours", _("Own hours (open)")


class DaySource(models.TextChoices):
    SEEDED = "seeded", _("Seeded")
    MANUAL = "manual", _("Manual")
    ANNOUNCEMENT = "announcement", _("Imported announcement")


class HolidaySource(models.TextChoices):
    """Where a calendar's public holidays come from, which decides what counts as a missing year."""

    CHINA = "china", _("China (seeded from chinese-calendar)")
    MANUAL = "manual", _("Entered by hand")
    NONE = "none", _("No public holidays observed")
