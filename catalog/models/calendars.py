"""Business calendars: `Calendar` with `WorkingHours` (split shifts) and `CalendarDay` overrides (holidays,
China's adjusted workdays 调休). Every effective change is frozen as a `CalendarVersion` (see catalog.calendars),
and measurements keep the version they were computed with, so editing a calendar never silently changes a past
figure. A calendar is master data, not a controlled record: its shifts are rows (`ChildRow`) that are never frozen.
"""

import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow
from core.querysets import RestrictedQuerySet

from ..choices import DayKind, DaySource, HolidaySource, Weekday

MIDNIGHT = time(0, 0)


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone “%(tz)s”."), params={"tz": value}, code="time_zone") from None


def validate_years(value):
    if not isinstance(value, list) or not all(isinstance(y, int) and 1900 <= y <= 2200 for y in value):
        raise ValidationError(_("Give a list of years, e.g. [2025, 2026]."), code="years")


class Calendar(BaseModel):
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("e.g. 5x8 Beijing, 7x24."))
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai",
                                 validators=[validate_time_zone],
                                 help_text=_("Working hours and days are read in this zone; instants are UTC."))
    always_open = models.BooleanField(_("always open (7x24)"), default=False,
                                      help_text=_("Open every instant; working hours and days are then ignored."))
    adjusted_workday_hours_from = models.PositiveSmallIntegerField(
        _("adjusted workdays use the hours of"), choices=Weekday.choices, default=Weekday.MONDAY,
        help_text=_("An adjusted workday (a weekend day worked in exchange for a holiday) is worked with the "
                    "hours of this weekday."))
    holiday_source = models.CharField(_("public holidays"), max_length=20, choices=HolidaySource.choices,
                                      default=HolidaySource.CHINA)
    holiday_years = models.JSONField(_("years with holiday data"), default=list, blank=True,
                                     validators=[validate_years],
                                     help_text=_("Years whose public holidays are complete. Seeding fills this in; "
                                                 "add a year by hand once you have entered its holidays."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return self.name

    def missing_years(self, years) -> list[int]:
        """Years among `years` with no public-holiday data (figures for them may be wrong)."""
        return missing_years(self.holiday_source, self.holiday_years, self.always_open, years)

    def to_spec(self, version=None):
        """The engine's CalendarSpec: of version `version` (number or CalendarVersion), else the current one."""
        from ..calendars import to_spec

        return to_spec(self, version)

    def current_version(self):
        from ..calendars import current_version

        return current_version(self)


def missing_years(source, covered, always_open, years) -> list[int]:
    if always_open or source == HolidaySource.NONE:
        return []
    covered = set(covered or ())
    return sorted({int(y) for y in years} - covered)


def minutes_of(value: time, is_end=False) -> int:
    """Minutes after midnight; an end of 00:00 is midnight at the end of the day (1440)."""
    minutes = value.hour * 60 + value.minute
    return 1440 if is_end and minutes == 0 else minutes


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class WorkingHours(ChildRow):
    """A shift of a calendar; a calendar's rows are never frozen (it is master data, versioned on save)."""

    parent_field = "calendar"
    row_key = ("weekday", "start", "end")

    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="working_hours", verbose_name=_("calendar"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")) | Q(end=MIDNIGHT),
                                   name="catalog_shift_ends_after_start",
                                   violation_error_message=_("A shift must end after it starts (an end of 00:00 "
                                                             "means midnight).")),
        ]

    def __str__(self):
        return self.label()

    def label(self):
        if self.weekday is None or self.start is None or self.end is None:
            return _t("incomplete shift")
        return f"{Weekday(self.weekday).label} {hhmm(minutes_of(self.start))}–{hhmm(minutes_of(self.end, True))}"

    def span(self) -> tuple[int, int]:
        return minutes_of(self.start), minutes_of(self.end, is_end=True)

    def clean(self):
        super().clean()
        # A whole set of rows validated together (the calendar edit page) sets this: rows saved one by one
        # may overlap for a moment while a swap is written.
        if getattr(self, "_siblings_validated", False) or None in (self.start, self.end, self.weekday):
            return
        if not self.calendar_id:
            return
        start, end = self.span()
        for other in WorkingHours.objects.filter(calendar_id=self.calendar_id, weekday=self.weekday) \
                .exclude(pk=self.pk):
            other_start, other_end = other.span()
            if start < other_end and other_start < end:
                raise ValidationError(_t("The shift %(shift)s overlaps the shift %(other)s of this calendar.")
                                      % {"shift": self.label(), "other": other.label()}, code="overlap")


class CalendarDay(BaseModel):
    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="days", verbose_name=_("calendar"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. National Day."))
    source = models.CharField(_("source"), max_length=20, choices=DaySource.choices, default=DaySource.MANUAL,
                              editable=False,
                              help_text=_("Seeded rows are kept in step with the holiday package; manual rows win."))

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("holidays and adjusted workdays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="catalog_one_entry_per_calendar_date",
                                    violation_error_message=_("This calendar already has an entry for this date.")),
        ]

    def __str__(self):
        return f"{self.calendar} {self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class CalendarVersion(models.Model):
    """A frozen copy of a calendar's hours and days; measurements keep the version they used."""

    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="versions", verbose_name=_("calendar"))
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("frozen hours and days"))
    digest = models.CharField(_("SHA-256"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["calendar", "-number"]
        verbose_name = _("calendar version")
        verbose_name_plural = _("calendar versions")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "number"], name="catalog_calendar_version_unique",
                                    violation_error_message=_("This calendar version already exists.")),
        ]

    def __str__(self):
        return f"{self.data.get('name', self.calendar_id)} v{self.number}"

    def get_absolute_url(self):
        return f"{self.calendar.get_absolute_url()}?version={self.number}"

    def to_spec(self):
        from ..calendars import spec_from_data

        return spec_from_data(self.data, self.digest)

    def missing_years(self, years) -> list[int]:
        data = self.data
        return missing_years(data["holiday_source"], data["holiday_years"], data["always_open"], years)
