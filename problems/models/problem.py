"""The problem record 问题 (SP-4.5.4).

The Service Department identifies a problem (by hand or from a candidate the service data proposes), links the
tickets it explains and the customer's configuration items it puts at risk, and analyses it: the causes with a
root-cause method (5 whys or cause categories), the trend of potential problems, the conformance to the SLA in
force (computed from the linked tickets' stored clocks, never typed), the impact and risk. The department draws up
the solution; its manager approves it; the project team carries it out as tasks (rows that stay open after the
approval); the verification (tickets after the fix date, computed) shows the problem stopped, and is frozen into
the record when it closes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import ChildRow, ControlledRecord

from ..choices import CauseCategory, RiskLevel, RootCauseMethod

USER = settings.AUTH_USER_MODEL


class Problem(ControlledRecord):
    """问题: per contract (or, with no contract, across contracts: company-wide)."""

    new_version_resets = ("snapshot", "fixed_on")

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("contract"),
                                 help_text=_("Empty: a problem across contracts (company-wide)."))
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("ticket category"), max_length=100, blank=True,
                                help_text=_("The tickets' category the problem explains (recurrence is counted on "
                                            "it after the fix)."))
    configuration_item = models.CharField(_("ticket configuration item"), max_length=200, blank=True,
                                          help_text=_("The tickets' configuration item the problem explains."))
    tickets = models.ManyToManyField("servicedata.Ticket", blank=True, related_name="+",
                                     verbose_name=_("linked tickets"))
    configuration_items = models.ManyToManyField("customers.ConfigurationItem", blank=True, related_name="+",
                                                 verbose_name=_("affected configuration items"),
                                                 help_text=_("The customer's systems the problem puts at risk."))
    method = models.CharField(_("root-cause method"), max_length=20, choices=RootCauseMethod.choices, blank=True)
    trend = models.TextField(_("trend of potential problems"), blank=True,
                             help_text=_("Where the tickets are heading and what may follow if nothing is done."))
    impact = models.TextField(_("impact and risk to the customer's systems"), blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    workaround = models.TextField(_("workaround"), blank=True)
    known_error = models.BooleanField(_("known error"), default=False,
                                      help_text=_("The cause is known and a workaround exists, the fix is pending."))
    known_error_on = models.DateField(_("known error since"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True,
                                help_text=_("Drawn up by the Service Department; the project team carries it out "
                                            "as the tasks below."))
    fixed_on = models.DateField(_("fix date"), null=True, blank=True, editable=False,
                                help_text=_("The day the last solution task was done (set when verification "
                                            "starts)."))
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="problems_problem_number_version",
                                               violation_error_message=_("This number and version already exist."))]

    def full_clean(self, *args, **kwargs):
        self.customer_id = self.contract.customer_id if self.contract_id else None
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.known_error and not self.known_error_on:
            raise ValidationError({"known_error_on": _t("Give the date the problem became a known error.")})
        if self.known_error and not self.workaround.strip():
            raise ValidationError({"workaround": _t("A known error has a workaround: describe it.")})

    def export_sections(self, language):
        from ..exports import problem_sections

        return problem_sections(self, language)


class Cause(ChildRow):
    """One row of the root-cause analysis: a why and its answer (5 whys, in order), or a cause in a category."""

    parent_field = "problem"

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="causes", verbose_name=_("problem"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    category = models.CharField(_("cause category"), max_length=20, choices=CauseCategory.choices, blank=True)
    question = models.CharField(_("why?"), max_length=300, blank=True)
    cause = models.CharField(_("cause"), max_length=500)

    class Meta:
        ordering = ["problem", "position", "pk"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self):
        return self.cause[:80]


class SolutionTask(ChildRow):
    """A task of the solution, carried out by the project team: open after the solution is approved."""

    parent_field = "problem"
    frozen_with_record = False  # done by the project team after the solution is approved

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="tasks", verbose_name=_("problem"))
    description = models.CharField(_("task"), max_length=500)
    owner = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["problem", "due_on", "pk"]
        verbose_name = _("solution task")
        verbose_name_plural = _("solution tasks")

    def __str__(self):
        return self.description[:80]

    def clean(self):
        super().clean()
        if self.problem_id and self.problem.status in ("closed", "superseded"):
            raise ValidationError(_t("%(problem)s is %(status)s: its tasks are kept as they were.")
                                  % {"problem": self.problem.number, "status": self.problem.get_status_display()})
