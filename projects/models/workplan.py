"""The work plan (SP-4.4.1) and its tasks, dependencies and progress.

A work plan's tasks belong to one version; a task keeps its `key` across versions, so progress
(`TaskProgress`, keyed by project and task key) survives a revision and the baseline comparison
matches tasks version to version.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow, ControlledRecord

from ..choices import TaskState
from .project import USER, Project, ProjectRecord, unique_version

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


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

    def version_source(self):
        """A rejected revision is never the source: the next revision starts from the baseline it revised."""
        from ..choices import WorkPlanStatus

        source = self
        while source.status == WorkPlanStatus.REJECTED and source.predecessor_id:
            source = source.predecessor
        return source

    def export_sections(self, language):
        from ..exports import work_plan_sections

        return work_plan_sections(self, language)


class Task(ChildRow):
    parent_field = "work_plan"
    row_key = ("key",)
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

    def clean(self):
        super().clean()
        from ..services.workplan import task_problems

        problems = task_problems(self)
        if problems:
            raise ValidationError(problems)


class Dependency(ChildRow):
    """Finish-to-start: the successor starts at the earliest the day after the predecessor ends, plus the lag."""

    parent_field = "work_plan"

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

    def clean(self):
        super().clean()
        from ..services.workplan import dependency_problems

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

    scope_paths = {"project": "project"}

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
        if self.state == TaskState.CANCELLED and not self.note.strip():
            # A task is settled at closure only when done, or cancelled with the reason on record (SP-4.5.2).
            raise ValidationError({"note": _t("Give the reason the task is cancelled (in the note).")})
