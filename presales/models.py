"""Pre-sales (服务售前, SP-4.1): service requirements, the company's staff skills and the pre-sales proposal.

`ServiceRequirement` (SP-4.1.1–4.1.3) is what Sales and the Service
Department collect from the customer for a new service or a change to an
existing contract: goals, scope, strategy, delivery approach, impacts, and
the structured service requirements (per-priority response/resolution,
availability, continuity, staff skills, capacity).

`PresalesProposal` 售前方案 (SP-4.1.4–4.1.5) is the Service Department's
answer: catalogue services and tiers (`ProposalLine`), each with a draft SLA
copied from the tier's template and adjustable, a price, and a fit check
(presales.fitcheck) comparing the draft SLAs and the staff they need with
the requirement and with what the company has (`StaffSkill`). The fit check
result is stored on the proposal with the digest of the content it was run
on; the proposal cannot be submitted unless that digest is current.

`StaffSkill` lives here, not in `org`, because the proposal's capability
check is its only reader so far; it is a plain table (user, skill, level,
free capacity %) that project staffing can read later.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority, SkillLevel
from catalog.models import PriorityTargetFields
from core.choices import RecordStatus
from core.fields import StoredDecimalsMixin
from core.models import BaseModel, ChildRow, ControlledRecord
from org.choices import DepartmentKind

from .choices import RequirementKind

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
LEVEL_RANK = {level: rank for rank, level in enumerate(SkillLevel.values)}


# ---- service requirements (SP-4.1.1 – 4.1.3) -------------------------------------------------------

class ServiceRequirement(StoredDecimalsMixin, ControlledRecord):
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices, default=RequirementKind.NEW)
    contract = models.ForeignKey("contracts.Contract", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("contract to change"),
                                 help_text=_("For a change: the customer's existing contract."))
    goals = models.TextField(_("goals"))
    scope = models.TextField(_("scope"))
    requirements = models.TextField(_("requirements"))
    strategy = models.TextField(_("strategy"), blank=True)
    delivery_approach = models.TextField(_("delivery approach"), blank=True)
    impact_technology = models.TextField(_("impact of technology developments"), blank=True)
    impact_regulation = models.TextField(_("impact of regulation or standard updates"), blank=True)
    impact_user_environment = models.TextField(_("impact of user-environment changes"), blank=True)
    service_window = models.ForeignKey("catalog.Calendar", models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("required service hours"),
                                       help_text=_("The business calendar the service must cover, e.g. 7x24."))
    availability_percent = models.DecimalField(_("required availability (%)"), max_digits=6, decimal_places=3,
                                               null=True, blank=True, validators=PERCENT)
    rto_minutes = models.PositiveIntegerField(_("required RTO (minutes)"), null=True, blank=True)
    rpo_minutes = models.PositiveIntegerField(_("required RPO (minutes)"), null=True, blank=True)
    continuity_notes = models.TextField(_("continuity requirements"), blank=True)
    users = models.PositiveIntegerField(_("users"), null=True, blank=True)
    devices = models.PositiveIntegerField(_("devices"), null=True, blank=True)
    tickets_per_month = models.PositiveIntegerField(_("tickets per month"), null=True, blank=True)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                          verbose_name=_("participants"),
                                          help_text=_("Who collected the requirements: at least one from Sales "
                                                      "and one from the Service Department."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("service requirement")
        verbose_name_plural = _("service requirements")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="presales_requirement_number_version",
                                    violation_error_message=_("This number and version already exist.")),
            models.CheckConstraint(condition=Q(availability_percent__isnull=True)
                                   | Q(availability_percent__gte=0, availability_percent__lte=100),
                                   name="presales_requirement_availability_percent",
                                   violation_error_message=_("Availability is a percentage (0–100).")),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if not self.customer_id:
            errors["customer"] = _t("Name the customer.")
        if self.kind == RequirementKind.CHANGE:
            if not self.contract_id:
                errors["contract"] = _t("A change names the contract it changes.")
            elif self.customer_id and self.contract.customer_id != self.customer_id:
                errors["contract"] = _t("This contract belongs to another customer.")
        elif self.contract_id:
            errors["contract"] = _t("A new service has no contract to change; choose “change” or clear it.")
        if errors:
            raise ValidationError(errors)

    def missing_participants(self) -> list[str]:
        """The departments not yet among the participants (Sales, Service Department)."""
        kinds = {u.department.kind for u in self.participants.all() if u.department_id}
        needed = ((DepartmentKind.SALES, _t("Sales Department")), (DepartmentKind.SERVICE, _t("Service Department")))
        return [label for kind, label in needed if kind not in kinds]

    def export_sections(self, language):
        from .exports import requirement_sections

        return requirement_sections(self, language)


class RequirementTarget(ChildRow):
    parent_field = "requirement"
    row_key = ("priority",)

    requirement = models.ForeignKey(ServiceRequirement, models.CASCADE, related_name="priority_targets",
                                    verbose_name=_("service requirement"))
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("response within (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (business minutes)"))

    class Meta:
        ordering = ["requirement", "priority"]
        verbose_name = _("required response and resolution")
        verbose_name_plural = _("required response and resolution times")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "priority"], name="presales_one_requirement_per_priority",
                                    violation_error_message=_("This priority is already listed.")),
            models.CheckConstraint(condition=Q(resolution_minutes__gte=F("response_minutes")),
                                   name="presales_requirement_resolution_not_before_response",
                                   violation_error_message=_("The resolution time cannot be shorter than the "
                                                             "response time.")),
        ]

    def __str__(self):
        return f"{self.priority}: {self.response_minutes}/{self.resolution_minutes} min"

class RequirementSkill(ChildRow):
    parent_field = "requirement"
    row_key = ("skill", "level")

    requirement = models.ForeignKey(ServiceRequirement, models.CASCADE, related_name="skills",
                                    verbose_name=_("service requirement"))
    skill = models.CharField(_("skill"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE)
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)

    class Meta:
        ordering = ["requirement", "skill", "level"]
        verbose_name = _("required staff skill")
        verbose_name_plural = _("required staff skills")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "skill", "level"],
                                    name="presales_requirement_one_row_per_skill_level",
                                    violation_error_message=_("This skill and level are already listed.")),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="presales_requirement_headcount_positive",
                                   violation_error_message=_("The headcount must be at least 1.")),
        ]

    def __str__(self):
        return f"{self.skill} ({self.get_level_display()}) × {self.headcount}"

# ---- the company's service capability ----------------------------------------------------------

class StaffSkill(StoredDecimalsMixin, BaseModel):
    """A person's skill, its level and how much of their time is still free for new work."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_skills",
                             verbose_name=_("staff member"))
    skill = models.CharField(_("skill"), max_length=100, help_text=_("Named as in the service catalogue, e.g. "
                                                                     "Linux administration (RHCE)."))
    level = models.CharField(_("level"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE)
    free_capacity_percent = models.DecimalField(_("free capacity (%)"), max_digits=5, decimal_places=1, default=100,
                                                validators=PERCENT,
                                                help_text=_("Share of the person's working time not yet committed "
                                                            "to other services or projects."))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["skill", "user__username"]
        verbose_name = _("staff skill")
        verbose_name_plural = _("staff skills")
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="presales_one_row_per_user_skill",
                                    violation_error_message=_("This person already has this skill listed.")),
            models.CheckConstraint(condition=Q(free_capacity_percent__gte=0, free_capacity_percent__lte=100),
                                   name="presales_staff_capacity_percent",
                                   violation_error_message=_("The free capacity is a percentage (0–100).")),
        ]

    def __str__(self):
        return f"{self.user} · {self.skill} ({self.get_level_display()}, {self.free_capacity_percent:g}%)"

    def covers(self, level) -> bool:
        return LEVEL_RANK.get(self.level, -1) >= LEVEL_RANK.get(level, 0)


# ---- the pre-sales proposal (SP-4.1.4 – 4.1.5) ---------------------------------------------------

class PresalesProposal(ControlledRecord):
    requirement = models.ForeignKey(ServiceRequirement, models.PROTECT, related_name="proposals",
                                    verbose_name=_("service requirement"))
    environment_summary = models.TextField(_("customer's current systems"), blank=True,
                                           help_text=_("Filled in from the customer's IT environment and operating "
                                                       "data when the proposal is started; edit as needed."))
    solution = models.TextField(_("service solution"),
                                help_text=_("How the company will deliver the service: organisation, processes, "
                                            "tools, transition."))
    capability = models.TextField(_("service capability"), blank=True,
                                  help_text=_("The company's current capability for this service (teams, "
                                              "references, certifications)."))
    risks = models.TextField(_("risks and assumptions"), blank=True)
    price_notes = models.TextField(_("price notes"), blank=True,
                                   help_text=_("Basis of the prices: period, what is included, payment terms."))
    fit_check = models.JSONField(_("fit check"), default=dict, blank=True, editable=False)
    fit_checked_at = models.DateTimeField(_("fit check computed at"), null=True, blank=True, editable=False)
    fit_check_digest = models.CharField(_("fit check digest"), max_length=64, blank=True, editable=False,
                                        help_text=_("SHA-256 of the content the fit check compared."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("pre-sales proposal")
        verbose_name_plural = _("pre-sales proposals")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="presales_proposal_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    def full_clean(self, *args, **kwargs):
        # The customer is the requirement's, so the register and exports name it the same way everywhere.
        if self.requirement_id:
            self.customer_id = self.requirement.customer_id
        return super().full_clean(*args, **kwargs)

    @property
    def total_price(self):
        return sum((line.price or 0 for line in self.lines.all()), start=0)

    def fit_check_current(self) -> bool:
        from .fitcheck import content_digest

        return bool(self.fit_check_digest) and self.fit_check_digest == content_digest(self)

    def export_sections(self, language):
        from .exports import proposal_sections

        return proposal_sections(self, language)


class ProposalLine(StoredDecimalsMixin, ChildRow):
    """A catalogue service at a tier, with the draft SLA copied from the tier and adjusted for this customer."""

    parent_field = "proposal"

    proposal = models.ForeignKey(PresalesProposal, models.CASCADE, related_name="lines",
                                 verbose_name=_("pre-sales proposal"))
    service = models.ForeignKey("catalog.Service", models.PROTECT, related_name="+", verbose_name=_("service"))
    tier = models.ForeignKey("catalog.ServiceTier", models.PROTECT, related_name="+",
                             verbose_name=_("service level tier"),
                             help_text=_("The SLA template the draft SLA starts from (an approved tier)."))
    service_window = models.ForeignKey("catalog.Calendar", models.PROTECT, related_name="+",
                                       verbose_name=_("service window"))
    availability_target = models.DecimalField(_("availability target (%)"), max_digits=6, decimal_places=3,
                                              validators=PERCENT)
    rto_minutes = models.PositiveIntegerField(_("RTO (minutes)"), null=True, blank=True)
    rpo_minutes = models.PositiveIntegerField(_("RPO (minutes)"), null=True, blank=True)
    max_tickets_per_month = models.PositiveIntegerField(_("tickets per month (limit)"), null=True, blank=True,
                                                        help_text=_("Empty: no limit."))
    max_users = models.PositiveIntegerField(_("users (limit)"), null=True, blank=True)
    max_devices = models.PositiveIntegerField(_("devices (limit)"), null=True, blank=True)
    price = models.DecimalField(_("price (CNY per year)"), max_digits=14, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        constraints = [
            models.CheckConstraint(condition=Q(availability_target__gte=0, availability_target__lte=100),
                                   name="presales_line_availability_percent",
                                   violation_error_message=_("The availability target is a percentage (0–100).")),
            models.CheckConstraint(condition=Q(price__gte=0), name="presales_line_price_not_negative",
                                   violation_error_message=_("The price cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.service} · {self.tier.name}" if self.tier_id else str(self.service)
    def full_clean(self, *args, **kwargs):
        if self.tier_id:
            self.service_id = self.tier.service_id
            if not self.service_window_id:
                self.service_window_id = self.tier.service_window_id
            if self.availability_target is None:
                self.availability_target = self.tier.availability_target
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.tier_id and self.tier.status != RecordStatus.APPROVED:
            raise ValidationError({"tier": _t("%(tier)s is %(status)s: choose a tier in force (approved).")
                                   % {"tier": self.tier, "status": self.tier.get_status_display()}})

    def targets(self):
        """{priority: catalog.targets.Target} of the draft SLA."""
        from catalog.targets import tier_targets

        return tier_targets(self)


class ProposalLineTarget(PriorityTargetFields, ChildRow):
    parent_field = "line"
    row_key = ("priority",)

    line = models.ForeignKey(ProposalLine, models.CASCADE, related_name="priority_targets",
                             verbose_name=_("proposal line"))

    class Meta:
        ordering = ["line", "priority"]
        verbose_name = _("draft SLA target")
        verbose_name_plural = _("draft SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["line", "priority"], name="presales_one_target_per_line_priority",
                                    violation_error_message=_("This line already has a target for this priority.")),
            *PriorityTargetFields.target_checks("presales_line_resolution_not_before_response",
                                                "presales_line_target_percent"),
        ]
