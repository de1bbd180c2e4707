"""Annual IT service business goals and task allocation (SP-2.3), set and approved by the Technical
Service Division. Projects link to the goals they serve; a goal's progress is rolled up from them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ChildRow, ControlledRecord


class AnnualGoals(ControlledRecord):
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2200)])
    summary = models.TextField(_("summary"), blank=True)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("annual goals")
        verbose_name_plural = _("annual goals")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="strategy_goals_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    @property
    def is_editable(self):
        return self.status in type(self).record_type().workflow.editable_states

    def export_sections(self, language):
        from .services import goals_sections

        return goals_sections(self, language)

    def on_new_version(self, draft, user):
        """Projects serving a goal serve the same goal (by code) in the new version."""
        from .services import carry_project_links

        carry_project_links(self, draft, user)


class Goal(ChildRow):
    parent_field = "annual_goals"
    row_key = ("code",)

    annual_goals = models.ForeignKey(AnnualGoals, models.CASCADE, related_name="goals", verbose_name=_("annual goals"))
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. G1."))
    name = models.CharField(_("goal"), max_length=200)
    measure = models.CharField(_("measure"), max_length=200, help_text=_("How achievement is measured."))
    target = models.CharField(_("target"), max_length=100)
    owner_department = models.ForeignKey("org.Department", models.PROTECT, related_name="+",
                                         verbose_name=_("responsible department"))

    class Meta:
        ordering = ["annual_goals", "code"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.UniqueConstraint(fields=["annual_goals", "code"], name="strategy_goal_code_once",
                                               violation_error_message=_("This goal code is already used."))]

    def __str__(self):
        return f"{self.annual_goals.year} {self.code} {self.name}"



class TaskAllocation(ChildRow):
    """A task of a goal allocated to a department (and optionally a person) with its due date."""

    parent_field = "goal"

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="allocations", verbose_name=_("goal"))
    task = models.CharField(_("task"), max_length=200)
    department = models.ForeignKey("org.Department", models.PROTECT, related_name="+", verbose_name=_("department"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("responsible"))
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["goal", "pk"]
        verbose_name = _("task allocation")
        verbose_name_plural = _("task allocations")

    def __str__(self):
        return f"{self.goal.code}: {self.task}"
