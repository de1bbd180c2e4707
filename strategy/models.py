"""Annual IT service business goals and task allocation (SP-2.3), set and approved by the Technical
Service Division. Projects link to the goals they serve; a goal's progress is rolled up from them. The management
review 管理评审 (SP-2.1, SP-2.2) reads the goals' progress as an input and changes them as an output."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.models import ChildRow, ControlledRecord

from .choices import DecisionKind, DecisionStatus


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


# ---- management review 管理评审 (SP-2.1, SP-2.2) ------------------------------------------------------------

class ManagementReview(ControlledRecord):
    """管理评审: prepared by the Management Representative from the data of a period (the inputs frozen from every
    stage's MANAGEMENT section, core.report_sections), with the MR's advice on policy, the industry environment and
    the business status; the General Manager records the decisions and approves. Decisions are tracked afterwards:
    improvements become records of the improvement register, the others tracked actions of their owners."""

    period_start = models.DateField(_("period from"), help_text=_("The first day of a month."))
    period_end = models.DateField(_("period to"), help_text=_("The last day of a month (included)."))
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("attendees"))
    advice_policy = models.TextField(_("advice on policy"), blank=True,
                                     help_text=_("The Management Representative's advice on the service policy and "
                                                 "objectives."))
    advice_industry = models.TextField(_("industry environment"), blank=True,
                                       help_text=_("Changes in the industry, customers' sectors, regulation and "
                                                   "competitors that bear on the service."))
    advice_business = models.TextField(_("business status"), blank=True,
                                       help_text=_("The business status and what it asks of the service management "
                                                   "system."))
    inputs = models.JSONField(_("inputs"), default=dict, blank=True, editable=False)
    inputs_taken_at = models.DateTimeField(_("inputs taken at"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="strategy_review_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    @property
    def is_editable(self):
        return self.status in type(self).record_type().workflow.editable_states

    @property
    def period_label(self):
        if not (self.period_start and self.period_end):
            return ""
        return f"{self.period_start:%Y-%m} – {self.period_end:%Y-%m}"

    def clean(self):
        super().clean()
        from .review import period_errors

        errors = period_errors(self.period_start, self.period_end)
        if errors:
            raise ValidationError(errors)

    def full_clean(self, *args, **kwargs):
        if not self.title and self.period_start and self.period_end:
            self.title = _t("Management review %(period)s") % {"period": self.period_label}
        return super().full_clean(*args, **kwargs)

    def export_sections(self, language):
        from .review import review_sections

        return review_sections(self, language)

    def on_new_version(self, draft, user):
        """The decisions copied into the new version remember the decision they carry on (one improvement each)."""
        from .review import carry_decisions

        carry_decisions(self, draft, user)


class Decision(ChildRow):
    """A decision of the General Manager in a management review: recorded before the approval (with the review in
    draft or under review), tracked after it (status, done on, result: the only fields that change then)."""

    parent_field = "review"
    # Followed up after the review is approved; Decision.clean keeps everything but the tracking fields fixed then.
    frozen_with_record = False
    TRACKING_FIELDS = ("status", "done_on", "result")

    review = models.ForeignKey(ManagementReview, models.CASCADE, related_name="decisions",
                               verbose_name=_("management review"))
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.OTHER)
    decision = models.CharField(_("decision"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    goal = models.ForeignKey(Goal, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("goal concerned"), help_text=_("For a change to an annual goal."))
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus.choices,
                              default=DecisionStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, help_text=_("What was done, or why it was cancelled."))
    # The decision of an earlier version this one carries on (a new version of the review copies its decisions).
    origin = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+", editable=False,
                               verbose_name=_("carried on from"))

    class Meta:
        ordering = ["review", "due_date", "pk"]
        verbose_name = _("management review decision")
        verbose_name_plural = _("management review decisions")

    def __str__(self):
        return self.decision[:80]

    def get_absolute_url(self):
        return reverse("strategy:decision_detail", args=[self.pk])

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Everyone who may read decisions reads them all. The General Manager and the MR write them; after the
        approval whoever owns an action also records what became of it (Decision.clean keeps the rest as decided)."""
        from .workflows import DECISION_WRITERS

        if action == "view" or user.own_roles & DECISION_WRITERS:
            return queryset
        return queryset.filter(owner=user, review__status=RecordStatus.APPROVED)

    @property
    def is_action(self) -> bool:
        """Tracked here (an improvement is tracked in the improvement register)."""
        return self.kind != DecisionKind.IMPROVEMENT

    @property
    def overdue(self) -> bool:
        return self.status == DecisionStatus.OPEN and self.due_date is not None \
            and self.due_date < timezone.localdate()

    def clean(self):
        super().clean()
        from .review import decision_errors

        errors = decision_errors(self)
        if errors:
            raise ValidationError(errors)
