"""Projects: initiation, team, project plan and its review, work plans and their controlled changes.

SP-4.3 (initiation, team, plans, review) and SP-4.4 (work plan, approval, changes). A `Project` is
opened by the Service Department from a signed contract; the records the PM writes for it are
controlled records (numbered, versioned, approved). A work plan's tasks belong to one version; a
task keeps its `key` across versions, so progress (`TaskProgress`, keyed by project and task key)
survives a revision and the baseline comparison matches tasks version to version.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ControlledRecord

from .choices import (
    ChangeForm,
    ChangeKind,
    FindingSeverity,
    FindingState,
    Level,
    ObjectiveMetric,
    ProjectCategory,
    ProjectKind,
    ProjectRole,
    ProjectStatus,
    ReportPeriod,
    ReviewVerdict,
    TaskState,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
USER = settings.AUTH_USER_MODEL


def unique_version(app_model):
    return models.UniqueConstraint(fields=["number", "version"], name=f"{app_model}_number_version",
                                   violation_error_message=_("This number and version already exist."))


class Project(BaseModel):
    """A project opened from a signed contract (立项), or a project change when the contract is a change."""

    code = models.CharField(_("project code"), max_length=30, unique=True, editable=False)
    name = models.CharField(_("project name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices, default=ProjectKind.NEW,
                            editable=False)
    category = models.CharField(_("category"), max_length=20, choices=ProjectCategory.choices,
                                default=ProjectCategory.OPERATIONS)
    customer = models.ForeignKey("customers.Customer", models.PROTECT, related_name="projects",
                                 verbose_name=_("customer"), editable=False)
    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="projects",
                                 verbose_name=_("contract"))
    changes_project = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="changes",
                                        editable=False, verbose_name=_("project changed"),
                                        help_text=_("For a project change: the project of the earlier contract."))
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.OPEN)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    manager = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="managed_projects",
                                editable=False, verbose_name=_("project manager"))
    manager_appointed_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                             editable=False, verbose_name=_("appointed by"))
    manager_appointed_at = models.DateTimeField(_("appointed at"), null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(USER, models.PROTECT, related_name="+", editable=False,
                                  verbose_name=_("opened by"))
    goals = models.ManyToManyField("strategy.Goal", blank=True, related_name="projects",
                                   verbose_name=_("annual goals served"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="projects_project_end_after_start",
                                   violation_error_message=_("The project cannot end before it starts.")),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def baseline(self):
        """The approved work plan in force (the baseline), or None."""
        return WorkPlan.objects.filter(project=self, status="approved").order_by("-version").first()

    def approved_plan(self):
        return ProjectPlan.objects.filter(project=self, status="approved").order_by("-version").first()


class TeamMember(BaseModel):
    project = models.ForeignKey(Project, models.CASCADE, related_name="team", verbose_name=_("project"))
    user = models.ForeignKey(USER, models.PROTECT, related_name="project_memberships", verbose_name=_("member"))
    role = models.CharField(_("role in project"), max_length=20, choices=ProjectRole.choices,
                            default=ProjectRole.ENGINEER)
    allocation = models.PositiveSmallIntegerField(_("allocation (%)"), default=100,
                                                  validators=[MinValueValidator(1), MaxValueValidator(100)])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["project", "role", "user"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="projects_member_once",
                                    violation_error_message=_("This person is already on the team.")),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="projects_member_end_after_start",
                                   violation_error_message=_("The membership cannot end before it starts.")),
            models.CheckConstraint(condition=Q(allocation__gte=1, allocation__lte=100),
                                   name="projects_member_allocation_percent",
                                   violation_error_message=_("The allocation is a percentage (1–100).")),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.allocation}%"

    def get_absolute_url(self):
        return self.project.get_absolute_url()


# ---- initiation -------------------------------------------------------------------------------

class ProjectRecord(ControlledRecord):
    """A controlled record of one project; its customer is the project's."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="+", verbose_name=_("project"))

    class Meta(ControlledRecord.Meta):
        abstract = True

    def full_clean(self, *args, **kwargs):
        if self.project_id:
            self.customer_id = self.project.customer_id
        return super().full_clean(*args, **kwargs)

    @property
    def is_editable(self):
        return self.status in type(self).record_type().workflow.editable_states


class InitiationApplication(ProjectRecord):
    """项目立项申请表 (SP-4.3.3): approved by the department manager, then the Technical Service Division."""

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    category = models.CharField(_("category"), max_length=20, choices=ProjectCategory.choices)
    project_manager = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("project manager"))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    budget = models.DecimalField(_("budget (CNY)"), max_digits=14, decimal_places=2)
    necessity = models.TextField(_("necessity"), help_text=_("Why the project is needed."))
    feasibility = models.TextField(_("feasibility"), help_text=_("Why it can be delivered: people, skills, cost."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("project initiation application")
        verbose_name_plural = _("project initiation applications")
        constraints = [
            unique_version("projects_initiationapplication"),
            models.CheckConstraint(condition=Q(planned_end__gte=F("planned_start")),
                                   name="projects_application_end_after_start",
                                   violation_error_message=_("The planned end cannot be before the start.")),
        ]

    def export_sections(self, language):
        from .exports import application_sections

        return application_sections(self, language)


class InitiationPlan(ProjectRecord):
    """项目立项计划 (SP-4.3.3)."""

    objectives = models.TextField(_("objectives"))
    scope = models.TextField(_("scope"))
    organisation = models.TextField(_("organisation and responsibilities"), blank=True)
    schedule = models.TextField(_("outline schedule"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    budget = models.DecimalField(_("budget (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("project initiation plan")
        verbose_name_plural = _("project initiation plans")
        constraints = [unique_version("projects_initiationplan")]

    def export_sections(self, language):
        from .exports import initiation_plan_sections

        return initiation_plan_sections(self, language)


# ---- project plan -----------------------------------------------------------------------------

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
        from .choices import ReportSection

        unknown = [s for s in self.report_sections or [] if s not in ReportSection.values]
        if unknown:
            raise ValidationError({"report_sections": _t("Unknown report sections: %(s)s") % {"s": ", ".join(unknown)}})
        if not isinstance(self.report_recipients, list):
            raise ValidationError({"report_recipients": _t("Give a list of recipients.")})

    def report_section_labels(self):
        from .choices import ReportSection

        return [ReportSection(s).label for s in self.report_sections or []]

    def export_sections(self, language):
        from .exports import project_plan_sections

        return project_plan_sections(self, language)

    def copy_children(self, new_version):
        from .services import copy_rows

        copy_rows(self, new_version, ("objectives", "milestones", "risks"), "plan")


class RecordChild(BaseModel):
    """A row of one record version, writable only while that version is a draft or returned."""

    parent_field = ""

    class Meta:
        abstract = True

    @property
    def parent(self):
        return getattr(self, self.parent_field)

    def get_absolute_url(self):
        return self.parent.get_absolute_url()

    def clean(self):
        try:
            parent = self.parent
        except ObjectDoesNotExist:
            return
        if parent.pk and not parent.is_editable:
            raise ValidationError(_t("%(record)s is %(status)s: its rows change only in a draft or returned version.")
                                  % {"record": parent, "status": parent.get_status_display()}, code="frozen")


class QualityObjective(RecordChild):
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


class PlanMilestone(RecordChild):
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


class PlanRisk(RecordChild):
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


# ---- plan review ------------------------------------------------------------------------------

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
        from .exports import review_sections

        return review_sections(self, language)

    def copy_children(self, new_version):
        from .services import copy_rows

        copy_rows(self, new_version, ("findings",), "review")
        new_version.reviewers.set(self.reviewers.all())


class ReviewFinding(BaseModel):
    """A finding of a review; raised while the review is open, closed or accepted afterwards too."""

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

    def get_absolute_url(self):
        return self.review.get_absolute_url()

    def clean(self):
        if self.state != FindingState.OPEN and not self.resolution.strip():
            raise ValidationError({"resolution": _t("Say how the finding was closed or why it is accepted.")})


# ---- work plan --------------------------------------------------------------------------------

class WorkPlan(ProjectRecord):
    """项目工作计划表 (SP-4.4.1): the work breakdown. The approved version is the baseline."""

    change_request = models.ForeignKey("ChangeRequest", models.PROTECT, null=True, blank=True, related_name="revisions",
                                       editable=False, verbose_name=_("change request"),
                                       help_text=_("The change this revised version implements."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("project work plan")
        verbose_name_plural = _("project work plans")
        constraints = [unique_version("projects_workplan")]

    def copy_children(self, new_version):
        from .services import copy_tasks

        # A rejected revision is never the source: the next revision starts from the baseline.
        copy_tasks(self.baseline_source(), new_version)

    def baseline_source(self):
        from .choices import WorkPlanStatus

        source = self
        while source.status == WorkPlanStatus.REJECTED and source.predecessor_id:
            source = source.predecessor
        return source

    def export_sections(self, language):
        from .exports import work_plan_sections

        return work_plan_sections(self, language)


class Task(BaseModel):
    # The WBS code follows from parent and position (both audited); renumbering is not an edit.
    audit_derived_fields = ("wbs",)

    work_plan = models.ForeignKey(WorkPlan, models.CASCADE, related_name="tasks", verbose_name=_("work plan"))
    key = models.UUIDField(_("task identity"), default=uuid.uuid4, editable=False,
                           help_text=_("The same task keeps its identity in every version of the plan."))
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("parent task"))
    position = models.PositiveIntegerField(_("order"), default=0)
    wbs = models.CharField(_("WBS"), max_length=40, blank=True, editable=False)
    name = models.CharField(_("task"), max_length=200)
    deliverable = models.CharField(_("deliverable"), max_length=200, blank=True)
    assignee = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("assignee"))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    effort_hours = models.DecimalField(_("effort (hours)"), max_digits=8, decimal_places=1, default=0)
    is_milestone = models.BooleanField(_("milestone"), default=False)

    class Meta:
        ordering = ["work_plan", "position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "key"], name="projects_task_key_once_per_version",
                                    violation_error_message=_("This task is already in the plan.")),
            models.CheckConstraint(condition=Q(planned_end__gte=F("planned_start")),
                                   name="projects_task_end_after_start",
                                   violation_error_message=_("A task cannot end before it starts.")),
            models.CheckConstraint(condition=Q(effort_hours__gte=0), name="projects_task_effort_positive",
                                   violation_error_message=_("The effort cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.wbs} {self.name}".strip()

    def get_absolute_url(self):
        return self.work_plan.get_absolute_url()

    def clean(self):
        from .services import task_problems

        problems = task_problems(self)
        if problems:
            raise ValidationError(problems)


class Dependency(BaseModel):
    """Finish-to-start: the successor starts at the earliest the day after the predecessor ends, plus the lag."""

    work_plan = models.ForeignKey(WorkPlan, models.CASCADE, related_name="dependencies", verbose_name=_("work plan"))
    predecessor = models.ForeignKey(Task, models.CASCADE, related_name="successor_links",
                                    verbose_name=_("predecessor"))
    successor = models.ForeignKey(Task, models.CASCADE, related_name="predecessor_links", verbose_name=_("successor"))
    lag_days = models.IntegerField(_("lag (days)"), default=0)

    class Meta:
        ordering = ["work_plan", "pk"]
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="projects_dependency_once",
                                    violation_error_message=_("These tasks are already linked.")),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="projects_dependency_not_self",
                                   violation_error_message=_("A task cannot depend on itself.")),
        ]

    def __str__(self):
        lag = f" +{self.lag_days}d" if self.lag_days else ""
        return f"{self.predecessor_id} → {self.successor_id}{lag}"

    def get_absolute_url(self):
        return self.work_plan.get_absolute_url()

    def clean(self):
        from .services import dependency_problems

        problems = dependency_problems(self)
        if problems:
            raise ValidationError(problems)


class TaskProgress(BaseModel):
    """Progress of one task identity in a project; recorded without touching the baseline."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="progress", verbose_name=_("project"))
    task_key = models.UUIDField(_("task identity"))
    # xgettext:no-python-format
    percent_complete = models.PositiveSmallIntegerField(_("% complete"), default=0, validators=PERCENT)
    state = models.CharField(_("status"), max_length=20, choices=TaskState.choices, default=TaskState.NOT_STARTED)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, models.PROTECT, related_name="+", editable=False,
                                    verbose_name=_("recorded by"))

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(fields=["project", "task_key"], name="projects_progress_once_per_task",
                                    violation_error_message=_("This task already has a progress row.")),
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="projects_progress_percent",
                                   # xgettext:no-python-format
                                   violation_error_message=_("% complete is at most 100.")),
            models.CheckConstraint(condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=False),
                                   name="projects_progress_end_needs_start",
                                   violation_error_message=_("Give the actual start before the actual end.")),
        ]

    def __str__(self):
        return f"{self.task_key} {self.percent_complete}%"

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    def clean(self):
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            raise ValidationError({"actual_end": _t("The actual end cannot be before the actual start.")})
        if self.state == TaskState.DONE:
            self.percent_complete = 100


# ---- changes ----------------------------------------------------------------------------------

class ChangeRequest(ProjectRecord):
    """A change of the approved work plan (SP-4.4.3): requested by the PM, the revised plan prepared by staff,
    checked by the PM, approved by the Service Department manager; only then the new baseline."""

    baseline = models.ForeignKey(WorkPlan, models.PROTECT, related_name="+", verbose_name=_("baseline"),
                                 help_text=_("The approved work plan the change starts from."))
    kind = models.CharField(_("what changes"), max_length=20, choices=ChangeKind.choices,
                            default=ChangeKind.ACTIVITIES)
    reason = models.TextField(_("reason"))
    form = models.CharField(_("request form"), max_length=10, choices=ChangeForm.choices, default=ChangeForm.WRITTEN)
    verbal_from = models.CharField(_("verbal request from"), max_length=100, blank=True,
                                   help_text=_("For a verbal request: who asked."))
    verbal_at = models.DateTimeField(_("verbal request at"), null=True, blank=True,
                                     help_text=_("For a verbal request: when it was made."))
    comparison = models.JSONField(_("baseline comparison"), default=dict, blank=True, editable=False,
                                  help_text=_("Frozen when the change is approved or rejected."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("work plan change request")
        verbose_name_plural = _("work plan change requests")
        constraints = [unique_version("projects_changerequest")]

    def clean(self):
        super().clean()
        if self.form == ChangeForm.VERBAL and (not self.verbal_from.strip() or not self.verbal_at):
            raise ValidationError({"verbal_from": _t("A verbal request is recorded with who made it and when.")})
        if self.baseline_id and self.project_id and self.baseline.project_id != self.project_id:
            raise ValidationError({"baseline": _t("The work plan belongs to another project.")})

    def revision(self):
        return self.revisions.order_by("-version").first()

    def get_verbal_at_display(self):
        from django.utils import formats, timezone

        return formats.date_format(timezone.localtime(self.verbal_at), "Y-m-d H:i") if self.verbal_at else ""

    def export_sections(self, language):
        from .exports import change_sections

        return change_sections(self, language)
