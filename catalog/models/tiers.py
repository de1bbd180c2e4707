"""The service catalogue (服务目录, SP-1.3): `ServiceFamily` > `Service` > `ServiceTier`.

A tier is an SLA template and a controlled record (numbered SP-SLT-…, versioned, approved through the generic
review workflow); its `PriorityTarget` and `SkillRequirement` rows (`ChildRow`s) belong to one version and are
copied to the next by core.records.new_version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.fields import StoredDecimalsMixin
from core.models import BaseModel, ChildRow, ControlledRecord
from core.querysets import RestrictedQuerySet

from ..choices import Priority, ServiceStatus, SkillLevel
from .calendars import Calendar

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


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
    name = models.CharField(_("tier"), max_length=60, help_text=_("e.g. Gold, 7x24."))
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

    def targets(self):
        """{priority: catalog.targets.Target} of this version."""
        from ..targets import tier_targets

        return tier_targets(self)

    def export_sections(self, language):
        from ..exports import tier_sections

        return tier_sections(self, language)


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


class PriorityTarget(PriorityTargetFields, ChildRow):
    parent_field = "tier"
    row_key = ("priority",)

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


class SkillRequirement(ChildRow):
    parent_field = "tier"
    row_key = ("skill", "level")

    tier = models.ForeignKey(ServiceTier, models.CASCADE, related_name="skills", verbose_name=_("tier"))
    skill = models.CharField(_("skill"), max_length=100, help_text=_("e.g. Linux administration, Cisco CCNP."))
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
