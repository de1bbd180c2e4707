"""The project (立项) and its team, and the base of every controlled record a project keeps.

SP-4.3 (initiation, team, plans, review) and SP-4.4 (work plan, approval, changes). A `Project` is
opened by the Service Department from a signed contract; the records the PM writes for it are
controlled records (numbered, versioned, approved).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.models import BaseModel, ControlledRecord
from core.querysets import RestrictedQuerySet

from ..choices import ProjectCategory, ProjectKind, ProjectRole, ProjectStatus, WorkPlanStatus

USER = settings.AUTH_USER_MODEL


def unique_version(app_model):
    return models.UniqueConstraint(fields=["number", "version"], name=f"{app_model}_number_version",
                                   violation_error_message=_("This number and version already exist."))


class ProjectQuerySet(RestrictedQuerySet):
    def of_member(self, user):
        """The projects the user manages or is on the team of."""
        return self.filter(Q(manager=user) | Q(team__user=user))

    def reach(self, user):
        """What a project role reaches (core.scopes): its projects, and their contracts and customers."""
        mine = self.of_member(user)
        return {"project": mine.values_list("pk", flat=True), "contract": mine.values_list("contract", flat=True),
                "customer": mine.values_list("customer", flat=True)}


class Project(BaseModel):
    """A project opened from a signed contract (立项), or a project change when the contract is a change."""

    links_as_record = True  # core.relations: listed with the records it comes from and leads to

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

    objects = ProjectQuerySet.as_manager()
    scope_paths = {"project": "", "contract": "contract", "customer": "customer"}

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
        from .workplan import WorkPlan  # the work plan module builds on this one

        return WorkPlan.objects.filter(project=self, status=WorkPlanStatus.APPROVED).order_by("-version").first()

    def approved_plan(self):
        from .plans import ProjectPlan

        return ProjectPlan.objects.filter(project=self, status=RecordStatus.APPROVED).order_by("-version").first()


class TeamMember(BaseModel):
    project = models.ForeignKey(Project, models.CASCADE, related_name="team", verbose_name=_("project"))
    user = models.ForeignKey(USER, models.PROTECT, related_name="project_memberships", verbose_name=_("member"))
    role = models.CharField(_("role in project"), max_length=20, choices=ProjectRole.choices,
                            default=ProjectRole.ENGINEER)
    allocation = models.PositiveSmallIntegerField(_("allocation (%)"), default=100,
                                                  validators=[MinValueValidator(1), MaxValueValidator(100)])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    scope_paths = {"project": "project"}

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


class ProjectRecord(ControlledRecord):
    """A controlled record of one project; its customer is the project's."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="+", verbose_name=_("project"))

    # A closed project takes no new records (SP-4.5.2): its closure is the last one. A record type written as
    # part of closing (the closure record itself) says it may be.
    written_after_closing = False

    class Meta(ControlledRecord.Meta):
        abstract = True

    def full_clean(self, *args, **kwargs):
        if self.project_id:
            self.customer_id = self.project.customer_id
            if self._state.adding:
                self.refuse_if_project_closed()
        return super().full_clean(*args, **kwargs)

    def refuse_if_project_closed(self):
        if self.project.status == ProjectStatus.CLOSED and not type(self).written_after_closing:
            raise ValidationError({"project": _t("Project %(project)s is closed: it takes no new records.")
                                   % {"project": self.project.code}})

    def on_new_version(self, draft, user):
        """A new version is a new record too (core.records.new_version copies it without `full_clean`)."""
        super().on_new_version(draft, user)
        self.refuse_if_project_closed()

    @property
    def is_editable(self):
        return self.status in type(self).record_type().workflow.editable_states
