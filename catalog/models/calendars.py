"""Business calendars: `Calendar` with `WorkingHours` (split shifts, overnight shifts as one row) and `CalendarDay`
overrides (holidays, China's adjusted workdays 调休, dates with their own hours). Every effective change is frozen
as a `CalendarVersion` (see catalog.calendars), and measurements keep the version they were computed with, so
editing a calendar never silently changes a past figure. A calendar is master data, not a controlled record: its
shifts are rows (`ChildRow`) that are never frozen.
"""

import contextlib
import re
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
    closed_on_holidays = models.BooleanField(
        _("closed on public holidays"), default=False,
        help_text=_("Only with always open: closed all day on the calendar's holidays, e.g. when the contract's 7x24 "
                    "service does not run on public holidays."))
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
        return missing_years(self.holiday_source, self.holiday_years, self.ignores_holidays(), years)

    def ignores_holidays(self) -> bool:
        return self.always_open and not self.closed_on_holidays

    def clean(self):
        super().clean()
        if self.closed_on_holidays and not self.always_open:
            raise ValidationError({"closed_on_holidays": _t(
                "Closed on public holidays applies to an always-open (7x24) calendar only; a calendar with working "
                "hours is closed on its holidays anyway.")})

    def to_spec(self, version=None):
        """The engine's CalendarSpec: of version `version` (number or CalendarVersion), else the current one."""
        from ..calendars import to_spec

        return to_spec(self, version)

    def current_version(self):
        from ..calendars import current_version

        return current_version(self)


def missing_years(source, covered, ignores_holidays, years) -> list[int]:
    if ignores_holidays or source == HolidaySource.NONE:
        return []
    covered = set(covered or ())
    return sorted({int(y) for y in years} - covered)


def minutes_of(value: time, is_end=False) -> int:
    """Minutes after midnight; an end of 00:00 is midnight at the end of the day (1440)."""
    minutes = value.hour * 60 + value.minute
    return 1440 if is_end and minutes == 0 else minutes


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shift_span(start: int, end: int) -> tuple[int, int]:
    """(start, end) minutes of a shift given as start and end minutes (an end of 00:00 as 1440): an end before
    the start is the next morning's, so 22:00-06:00 is (1320, 1800). An empty shift keeps end == start."""
    return (start, end + 1440) if end < start else (start, end)


def shift_text(start: int, end: int) -> str:
    """ "09:00–12:00", or "22:00–06:00 (next day)" for an overnight shift; (start, end) as from shift_span."""
    if end > 1440:
        return _t("%(start)s–%(end)s (next day)") % {"start": hhmm(start), "end": hhmm(end - 1440)}
    return f"{hhmm(start)}–{hhmm(end)}"


_TIME = r"(\d{1,2})[:：](\d{2})"
_SHIFT = re.compile(rf"^\s*{_TIME}\s*(?:-|–|—|~|～|至|到)\s*{_TIME}\s*$")


def parse_day_hours(text: str) -> list[tuple[int, int]]:
    """A date's own hours, "09:00-12:00, 13:00-15:00" ("22:00-06:00" runs into the next morning), as sorted
    (start, end) minutes; raises ValidationError naming the part that is wrong."""
    shifts = []
    for part in re.split(r"[,，;；、\n]+", text or ""):
        if not part.strip():
            continue
        match = _SHIFT.match(part)
        if not match:
            raise ValidationError(_t("“%(part)s” is not a shift like 09:00–12:00.") % {"part": part.strip()},
                                  code="hours")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2):
            raise ValidationError(_t("“%(part)s” is not a time of day.") % {"part": part.strip()}, code="hours")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        start, end = shift_span(start, end or 1440)
        if start == end:
            raise ValidationError(_t("“%(part)s” is an empty shift.") % {"part": part.strip()}, code="hours")
        shifts.append((start, end))
    shifts.sort()
    for (s1, e1), (s2, e2) in zip(shifts, shifts[1:], strict=False):
        if s2 < e1:
            raise ValidationError(_t("The shifts %(first)s and %(second)s overlap.") % {
                "first": shift_text(s1, e1), "second": shift_text(s2, e2)}, code="overlap")
    return shifts


def format_day_hours(shifts) -> str:
    """The stored form of a date's own hours: "09:00–12:00, 22:00–06:00" (an overnight end as the next
    morning's time)."""
    return ", ".join(f"{hhmm(start)}–{hhmm(end - 1440 if end > 1440 else end)}" for start, end in shifts)


def validate_day_hours(value):
    parse_day_hours(value)


class WorkingHours(ChildRow):
    """A shift of a calendar; a calendar's rows are never frozen (it is master data, versioned on save)."""

    parent_field = "calendar"
    row_key = ("weekday", "start", "end")

    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="working_hours", verbose_name=_("calendar"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("00:00 means midnight at the end of the day; an end before the "
                                                 "start (22:00–06:00) runs into the next morning."))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=~Q(end=F("start")) | Q(end=MIDNIGHT),
                                   name="catalog_shift_not_empty",
                                   violation_error_message=_("A shift must not end when it starts (an end of 00:00 "
                                                             "means midnight, an end before the start the next "
                                                             "morning).")),
        ]

    def __str__(self):
        return self.label()

    def label(self):
        if self.weekday is None or self.start is None or self.end is None:
            return _t("incomplete shift")
        return f"{Weekday(self.weekday).label} {shift_text(*self.span())}"

    def span(self) -> tuple[int, int]:
        """(start, end) minutes; an overnight shift ends beyond 1440."""
        return shift_span(minutes_of(self.start), minutes_of(self.end, is_end=True))

    def clean(self):
        super().clean()
        # A whole set of rows validated together (the calendar edit page) sets this: rows saved one by one
        # may overlap for a moment while a swap is written.
        if getattr(self, "_siblings_validated", False) or None in (self.start, self.end, self.weekday):
            return
        if not self.calendar_id:
            return
        for other in WorkingHours.objects.filter(calendar_id=self.calendar_id).exclude(pk=self.pk):
            if week_overlap((self.weekday, *self.span()), (other.weekday, *other.span())):
                raise ValidationError(_t("The shift %(shift)s overlaps the shift %(other)s of this calendar.")
                                      % {"shift": self.label(), "other": other.label()}, code="overlap")


WEEK = 7 * 1440


def week_overlap(first, second) -> bool:
    """Whether two shifts (weekday, start, end minutes as from shift_span) overlap anywhere in the week, an
    overnight shift included (Sunday's night runs into Monday)."""
    (d1, s1, e1), (d2, s2, e2) = first, second
    a1, b1 = d1 * 1440 + s1, d1 * 1440 + e1
    a2, b2 = d2 * 1440 + s2, d2 * 1440 + e2
    return any(a1 < b2 + k and a2 + k < b1 for k in (-WEEK, 0, WEEK))


class CalendarDay(BaseModel):
    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="days", verbose_name=_("calendar"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. National Day."))
    hours = models.CharField(_("own hours"), max_length=200, blank=True, validators=[validate_day_hours],
                             help_text=_("The shifts of this date, e.g. 09:00–12:00, 13:00–15:00 (22:00–06:00 runs "
                                         "into the next morning). Required for a day with its own hours; for an "
                                         "adjusted workday, empty means the hours of the weekday it borrows."))
    source = models.CharField(_("source"), max_length=20, choices=DaySource.choices, default=DaySource.MANUAL,
                              editable=False,
                              help_text=_("Seeded rows are kept in step with the holiday package; manual rows win "
                                          "(rows imported from an announcement are replaced by the next import)."))

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

    def clean(self):
        super().clean()
        if self.kind == DayKind.HOLIDAY and self.hours.strip():
            raise ValidationError({"hours": _t("A holiday is closed all day: leave its hours empty.")})
        if self.kind == DayKind.HOURS and not self.hours.strip():
            raise ValidationError({"hours": _t("Give the hours of this date, e.g. 09:00–12:00.")})
        with contextlib.suppress(ValidationError):  # the field's validator names the problem
            self.hours = format_day_hours(parse_day_hours(self.hours))

    def shifts(self) -> list[tuple[int, int]]:
        """The date's own shifts in minutes (empty: none of its own)."""
        try:
            return parse_day_hours(self.hours)
        except ValidationError:
            return []

    def hours_label(self) -> str:
        return ", ".join(shift_text(start, end) for start, end in self.shifts())


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
        ignores = data["always_open"] and not data.get("closed_on_holidays", False)
        return missing_years(data["holiday_source"], data["holiday_years"], ignores, years)
