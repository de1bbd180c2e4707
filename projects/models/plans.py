"""The project plan with its quality objectives, milestones and risks, and the plan review with its findings
(SP-4.3.3–4.3.5)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import display
from core.models import ChildRow, ControlledRecord
from core.rows import ensure_editable

from ..choices import FindingSeverity, FindingState, Level, ObjectiveMetric, ReportPeriod, ReportSection, ReviewVerdict
from .project import USER, ProjectRecord, unique_version


class ProjectPlan(ProjectRecord):
    """项目策划书 (SP-4.3.3–4.3.4). The reporting fields feed the monthly service report (SP-4.5.1)."""

    measures = models.TextField(_("specific measures"))
    resources = models.TextField(_("resources"))
    schedule = models.TextField(_("schedule"), blank=True)
    acceptance_criteria = models.TextField(_("acceptance criteria"))
    report_period = models.CharField(_("report period"), max_length=10, choices=ReportPeriod.choices,
                                     default=ReportPeriod.MONTHLY,
                                     help_text=_("How often the service report goes to the customer (agreed)."))
    report_sections = models.JSONField(_("report content"), default=list, blank=True,
                                       help_text=_("The sections of the service report agreed with the customer."))
    report_recipients = models.JSONField(_("report recipients"), default=list, blank=True,
                                         help_text=_("Names or e-mail addresses, one per line."))
    report_agreed_with = models.CharField(_("agreed with (customer)"), max_length=200, blank=True)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("project plan")
        verbose_name_plural = _("project plans")
        constraints = [unique_version("projects_projectplan")]

    def clean(self):
        super().clean()
        from ..choices import ReportSection

        unknown = [s for s in self.report_sections or [] if s not in ReportSection.values]
        if unknown:
            raise ValidationError({"report_sections": _t("Unknown report sections: %(s)s") % {"s": ", ".join(unknown)}})
        if not isinstance(self.report_recipients, list):
            raise ValidationError({"report_recipients": _t("Give a list of recipients.")})

    def report_section_labels(self):
        from ..choices import ReportSection

        return [ReportSection(s).label for s in self.report_sections or []]

    def export_sections(self, language):
        from ..exports import project_plan_sections

        return project_plan_sections(self, language)


display.list_of_choices(ProjectPlan, "report_sections", ReportSection)


class QualityObjective(ChildRow):
    parent_field = "plan"
    plan = models.ForeignKey(ProjectPlan, models.CASCADE, related_name="objectives", verbose_name=_("project plan"))
    objective = models.CharField(_("objective"), max_length=200)
    metric = models.CharField(_("metric"), max_length=20, choices=ObjectiveMetric.choices,
                              default=ObjectiveMetric.OTHER)
    target = models.CharField(_("target"), max_length=100, help_text=_("e.g. ≥ 95 %, ≤ 4 h."))
    measurement = models.CharField(_("how measured"), max_length=300)
    owner = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("owner"))
    sla_target = models.ForeignKey("catalog.PriorityTarget", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("SLA target"),
                                   help_text=_("Where the objective is an SLA target of the contract's tier."))

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")

    def __str__(self):
        return f"{self.objective}: {self.target}"

    def clean(self):
        super().clean()
        if self.sla_target_id and self.plan_id:
            tier_id = self.plan.project.contract.service_tier_id
            if self.sla_target.tier_id != tier_id:
                raise ValidationError({"sla_target": _t("Pick a target of the contract's SLA tier.")})


class PlanMilestone(ChildRow):
    parent_field = "plan"
    plan = models.ForeignKey(ProjectPlan, models.CASCADE, related_name="milestones", verbose_name=_("project plan"))
    name = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    deliverable = models.CharField(_("deliverable"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return f"{self.name} ({self.due_date})"


class PlanRisk(ChildRow):
    parent_field = "plan"
    plan = models.ForeignKey(ProjectPlan, models.CASCADE, related_name="risks", verbose_name=_("project plan"))
    description = models.CharField(_("risk"), max_length=300)
    likelihood = models.CharField(_("likelihood"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(_("impact"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    response = models.CharField(_("response"), max_length=300)
    owner = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("owner"))

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self):
        return self.description


class PlanReview(ProjectRecord):
    """项目评审 (SP-4.3.5): organised by the PM; a passed review with every finding closed or accepted lets the
    Technical Service Division approve the plan."""

    plan = models.ForeignKey(ProjectPlan, models.PROTECT, related_name="reviews", verbose_name=_("project plan"))
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("place / form"), max_length=200, blank=True)
    reviewers = models.ManyToManyField(USER, related_name="+", verbose_name=_("reviewers"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=ReviewVerdict.choices,
                               default=ReviewVerdict.PENDING)
    summary = models.TextField(_("conclusion"), blank=True)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        constraints = [unique_version("projects_planreview")]

    def clean(self):
        super().clean()
        if self.plan_id and self.project_id and self.plan.project_id != self.project_id:
            raise ValidationError({"plan": _t("The plan belongs to another project.")})

    def open_findings(self):
        return self.findings.filter(state=FindingState.OPEN)

    def export_sections(self, language):
        from ..exports import review_sections

        return review_sections(self, language)



class ReviewFinding(ChildRow):
    """A finding of a review; raised while the review is open, closed or accepted afterwards too."""

    parent_field = "review"
    frozen_with_record = False  # closed or accepted after the review is concluded
    review = models.ForeignKey(PlanReview, models.CASCADE, related_name="findings", verbose_name=_("review"))
    description = models.CharField(_("finding"), max_length=500)
    severity = models.CharField(_("severity"), max_length=20, choices=FindingSeverity.choices,
                                default=FindingSeverity.MINOR)
    raised_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("raised by"))
    state = models.CharField(_("state"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")

    def __str__(self):
        return self.description[:80]

    def clean(self):
        super().clean()
        if self._state.adding and self.review_id:
            ensure_editable(self.review)  # raised during the review; only resolved afterwards
        if self.state != FindingState.OPEN and not self.resolution.strip():
            raise ValidationError({"resolution": _t("Say how the finding was closed or why it is accepted.")})
