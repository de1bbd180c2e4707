"""The service catalogue (服务目录, SP-1.3) and the business calendars its SLA targets are counted in.

Catalogue: `ServiceFamily` > `Service` > `ServiceTier`. A tier is an SLA
template and a controlled record (numbered SP-SLT-…, versioned, approved
through the generic review workflow); its `PriorityTarget` and
`SkillRequirement` rows belong to one version and are copied to the next.

Calendars: `Calendar` with `WorkingHours` (split shifts) and `CalendarDay`
overrides (holidays, China's adjusted workdays 调休). Every effective change
is frozen as a `CalendarVersion` (see catalog.calendars), and measurements
keep the version they were computed with, so editing a calendar never
silently changes a past figure.
"""

import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.fields import StoredDecimalsMixin
from core.models import BaseModel, ControlledRecord
from core.querysets import RestrictedQuerySet

from .choices import DayKind, DaySource, HolidaySource, Priority, ServiceStatus, SkillLevel, Weekday

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
MIDNIGHT = time(0, 0)


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone “%(tz)s”."), params={"tz": value}, code="time_zone") from None


def validate_years(value):
    if not isinstance(value, list) or not all(isinstance(y, int) and 1900 <= y <= 2200 for y in value):
        raise ValidationError(_("Give a list of years, e.g. [2025, 2026]."), code="years")


# ---- business calendars ---------------------------------------------------------------------

class Calendar(BaseModel):
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("e.g. 5x8 北京, 7x24."))
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai",
                                 validators=[validate_time_zone],
                                 help_text=_("Working hours and days are read in this zone; instants are UTC."))
    always_open = models.BooleanField(_("always open (7x24)"), default=False,
                                      help_text=_("Open every instant; working hours and days are then ignored."))
    adjusted_workday_hours_from = models.PositiveSmallIntegerField(
        _("adjusted workdays use the hours of"), choices=Weekday.choices, default=Weekday.MONDAY,
        help_text=_("An adjusted workday (调休) is worked with the hours of this weekday."))
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
        from .calendars import to_spec

        return to_spec(self, version)

    def current_version(self):
        from .calendars import current_version

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


class WorkingHours(BaseModel):
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

    def get_absolute_url(self):
        return self.calendar.get_absolute_url()

    def clean(self):
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
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. 国庆节."))
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
        from .calendars import spec_from_data

        return spec_from_data(self.data, self.digest)

    def missing_years(self, years) -> list[int]:
        data = self.data
        return missing_years(data["holiday_source"], data["holiday_years"], data["always_open"], years)


# ---- service catalogue ----------------------------------------------------------------------

class ServiceFamily(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service family")
        verbose_name_plural = _("service families")

    def __str__(self):
        return self.name


class Service(BaseModel):
    family = models.ForeignKey(ServiceFamily, models.PROTECT, related_name="services", verbose_name=_("family"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED,
                              db_index=True)
    supporting_services = models.ManyToManyField("self", symmetrical=False, blank=True,
                                                 related_name="supported_services",
                                                 verbose_name=_("supporting services"))

    class Meta:
        ordering = ["family__code", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name


class ServiceTierQuerySet(RestrictedQuerySet):
    def in_force(self):
        """The approved (current) version of each tier."""
        return self.filter(status=RecordStatus.APPROVED)


class ServiceTier(StoredDecimalsMixin, ControlledRecord):
    """An SLA template of one service (e.g. 金 / 银 / 铜, 7x24 / 5x8): a controlled, versioned record.

    Response and resolution targets are business minutes counted in `service_window`.
    """

    service = models.ForeignKey(Service, models.PROTECT, related_name="tiers", verbose_name=_("service"))
    name = models.CharField(_("tier"), max_length=60, help_text=_("e.g. 金 / Gold, 7x24."))
    description = models.TextField(_("description"), blank=True)
    service_window = models.ForeignKey(Calendar, models.PROTECT, related_name="tiers",
                                       verbose_name=_("service window"),
                                       help_text=_("The business calendar the targets and availability are "
                                                   "counted in."))
    availability_target = models.DecimalField(_("availability target (%)"), max_digits=6, decimal_places=3,
                                              validators=PERCENT)
    rto_minutes = models.PositiveIntegerField(_("RTO (minutes)"), null=True, blank=True,
                                              help_text=_("Recovery time objective."))
    rpo_minutes = models.PositiveIntegerField(_("RPO (minutes)"), null=True, blank=True,
                                              help_text=_("Recovery point objective."))
    max_tickets_per_month = models.PositiveIntegerField(_("tickets per month (limit)"), null=True, blank=True,
                                                        help_text=_("Empty: no limit."))
    max_users = models.PositiveIntegerField(_("users (limit)"), null=True, blank=True)
    max_devices = models.PositiveIntegerField(_("devices (limit)"), null=True, blank=True)

    objects = ServiceTierQuerySet.as_manager()

    class Meta(ControlledRecord.Meta):
        verbose_name = _("service level tier")
        verbose_name_plural = _("service level tiers")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="catalog_tier_number_version",
                                    violation_error_message=_("This number and version already exist.")),
            models.CheckConstraint(condition=Q(availability_target__gte=0, availability_target__lte=100),
                                   name="catalog_tier_availability_percent",
                                   violation_error_message=_("The availability target is a percentage (0–100).")),
        ]

    def full_clean(self, *args, **kwargs):
        # The title is derived, so the register and exports name the tier the same way everywhere.
        if self.service_id and self.name:
            self.title = f"{self.service.name} · {self.name}"
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.service_id and self.name:
            clash = ServiceTier.objects.filter(service_id=self.service_id, name=self.name) \
                .exclude(number=self.number).exclude(status=RecordStatus.SUPERSEDED)
            if clash.exists():
                raise ValidationError({"name": _t("%(service)s already has a tier “%(name)s”.")
                                       % {"service": self.service, "name": self.name}})

    @property
    def is_editable(self):
        return self.status in type(self).record_type().workflow.editable_states

    def targets(self):
        """{priority: catalog.targets.Target} of this version."""
        from .targets import tier_targets

        return tier_targets(self)

    def export_sections(self, language):
        from .exports import tier_sections

        return tier_sections(self, language)

    def copy_children(self, new_version):
        from .catalogue import copy_children

        copy_children(self, new_version)


class TierChild(BaseModel):
    """A row of one tier version, writable only while that version is a draft or returned."""

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return self.tier.get_absolute_url()

    def clean(self):
        try:
            tier = self.tier
        except ObjectDoesNotExist:
            return
        if tier.pk and not tier.is_editable:
            raise ValidationError(
                _t("%(tier)s is %(status)s: its rows change only in a draft or returned version (revise it to "
                   "start a new version).") % {"tier": tier, "status": tier.get_status_display()}, code="frozen")


class PriorityTargetFields(StoredDecimalsMixin, models.Model):
    """Response and resolution targets for one priority: shared by SLA templates, proposal drafts and signed SLAs."""

    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("response target (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (business minutes)"))
    target_percent = models.DecimalField(_("target achievement (%)"), max_digits=5, decimal_places=2, default=95,
                                         validators=PERCENT)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.priority}: {self.response_minutes}/{self.resolution_minutes} min, {self.target_percent}%"

    @staticmethod
    def target_checks(order_name, percent_name):
        """The two checks every target row obeys (names kept per table)."""
        return [
            models.CheckConstraint(condition=Q(resolution_minutes__gte=F("response_minutes")), name=order_name,
                                   violation_error_message=_("The resolution target cannot be shorter than the "
                                                             "response target.")),
            models.CheckConstraint(condition=Q(target_percent__gt=0, target_percent__lte=100), name=percent_name,
                                   violation_error_message=_("The target achievement is a percentage (above 0, "
                                                             "at most 100).")),
        ]


class PriorityTarget(PriorityTargetFields, TierChild):
    tier = models.ForeignKey(ServiceTier, models.CASCADE, related_name="priority_targets", verbose_name=_("tier"))

    class Meta:
        ordering = ["tier", "priority"]
        verbose_name = _("priority target")
        verbose_name_plural = _("priority targets")
        constraints = [
            models.UniqueConstraint(fields=["tier", "priority"], name="catalog_one_target_per_priority",
                                    violation_error_message=_("This tier already has a target for this priority.")),
            *PriorityTargetFields.target_checks("catalog_resolution_not_before_response", "catalog_target_percent"),
        ]


class SkillRequirement(TierChild):
    tier = models.ForeignKey(ServiceTier, models.CASCADE, related_name="skills", verbose_name=_("tier"))
    skill = models.CharField(_("skill"), max_length=100, help_text=_("e.g. Linux 系统管理, Cisco CCNP."))
    level = models.CharField(_("level"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE)
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)

    class Meta:
        ordering = ["tier", "skill", "level"]
        verbose_name = _("skill requirement")
        verbose_name_plural = _("skill requirements")
        constraints = [
            models.UniqueConstraint(fields=["tier", "skill", "level"], name="catalog_one_row_per_skill_level",
                                    violation_error_message=_("This skill and level are already listed.")),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="catalog_headcount_positive",
                                   violation_error_message=_("The headcount must be at least 1.")),
        ]

    def __str__(self):
        return f"{self.skill} ({self.get_level_display()}) × {self.headcount}"
