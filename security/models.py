"""Information security incidents 信息安全事件 (SP-4.5.5) and the company's security settings.

A ticket that touches information security (marked by the import's security column, by a keyword rule, or by hand)
opens one incident. The Technical Service Division director is told at once and acknowledges within the set time;
when it passes, the next person named in the settings is told (escalation), once per step. The solution is drawn up
with the PM, approved, implemented under the Service Department's watch and verified. Every step is kept: the
transition log and the audit trail (escalations included) make the incident's timeline.

Only the people it concerns see an incident (`restrict_rows`): the TSD director, the Service Department manager, the
auditor, the PM of a project on its contract, its author and the people added to it (the escalation adds whom it
reaches).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow, ControlledRecord
from core.roles import AUDITORS, Role

from .choices import Detection, Severity

USER = settings.AUTH_USER_MODEL
# Roles that see every security incident (SP-4.5.5): the director, the Service Department manager, the auditors (an
# external auditor: those of its audit sample, core.scopes).
SEES_ALL = frozenset({Role.TSD_DIRECTOR, Role.SERVICE_MANAGER}) | AUDITORS


class SecuritySettings(BaseModel):
    """The company's one settings record: keyword rules, the import column, acknowledgement time, escalation chain."""

    keywords = models.TextField(_("keywords"), blank=True,
                                help_text=_("One per line (or separated by commas). A ticket whose summary, category "
                                            "or configuration item contains one (any case) touches information "
                                            "security."))
    honour_import_column = models.BooleanField(_("honour the import's security column"), default=True,
                                               help_text=_("A ticket file's column headed “security” (or its "
                                                           "Chinese heading) marks tickets: 1, true, yes or Y."))
    acknowledge_minutes = models.PositiveIntegerField(_("acknowledgement time (minutes)"), default=60,
                                                      help_text=_("Past this time without acknowledgement, the "
                                                                  "next person of the escalation chain is told; "
                                                                  "again after each further period."))
    director = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("Technical Service Division director"),
                                 help_text=_("Told first. Empty: every active holder of the director's role."))

    class Meta:
        verbose_name = _("information security settings")
        verbose_name_plural = _("information security settings")

    def __str__(self):
        return str(_("Information security settings"))

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("security:settings")

    @classmethod
    def current(cls):
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls.objects.create()

    def keyword_list(self):
        words = [w.strip() for line in (self.keywords or "").splitlines() for w in line.split(",")]
        return [w for w in dict.fromkeys(words) if w]


class EscalationStep(BaseModel):
    """One person of the escalation chain, in order after the director."""

    settings = models.ForeignKey(SecuritySettings, models.CASCADE, related_name="chain", verbose_name=_("settings"))
    position = models.PositiveSmallIntegerField(_("order"))
    person = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("person"))

    class Meta:
        ordering = ["settings", "position", "pk"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation chain")

    def __str__(self):
        return f"{self.position}. {self.person}"

    def get_absolute_url(self):
        return self.settings.get_absolute_url()


class SecurityIncident(ControlledRecord):
    """信息安全事件: one per ticket that touches information security (more tickets may be linked)."""

    new_version_resets = ("escalation_level",)

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    tickets = models.ManyToManyField("servicedata.Ticket", blank=True, related_name="security_incidents",
                                     verbose_name=_("tickets"))
    detection = models.CharField(_("detected by"), max_length=20, choices=Detection.choices,
                                 default=Detection.BY_HAND)
    keyword = models.CharField(_("keyword matched"), max_length=100, blank=True)
    detected_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("marked by"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(USER, blank=True, related_name="+", verbose_name=_("people added"),
                                     help_text=_("Who else may see this incident (besides the director, the Service "
                                                 "Department manager, the project's PM and the auditor)."))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                        editable=False, verbose_name=_("acknowledged by"))
    # How many people of the chain were told so far (0: only the director); raised by a guarded update, once.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0, editable=False)
    project_manager = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("PM drawing up the solution"))
    solution = models.TextField(_("solution"), blank=True,
                                help_text=_("Drawn up with the PM: containment, fix, what prevents a recurrence."))
    verification = models.TextField(_("verification"), blank=True,
                                    help_text=_("How the Service Department verified the solution works."))
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("verified by"))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("information security incident")
        verbose_name_plural = _("information security incidents")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="security_incident_version",
                                               violation_error_message=_("This number and version already exist."))]

    def full_clean(self, *args, **kwargs):
        if self.contract_id:
            self.customer_id = self.contract.customer_id
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.verified_on and not (self.verification or "").strip():
            raise ValidationError({"verification": _t("Say how the solution was verified.")})

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Only the people an incident concerns see it (SP-4.5.5)."""
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        roles = user.own_roles
        if roles & SEES_ALL:
            return queryset
        concerned = Q(author=user) | Q(members=user) | Q(project_manager=user) | Q(tasks__owner=user) \
            | Q(verified_by=user)
        if Role.PROJECT_MANAGER in roles:
            from projects.models import Project

            # A project serves a contract (any version of its number: tickets may sit on another version).
            concerned |= Q(contract__number__in=Project.objects.filter(manager=user).values("contract__number"))
        return queryset.filter(pk__in=SecurityIncident._base_manager.filter(concerned).values("pk"))

    def export_sections(self, language):
        from .exports import incident_sections

        return incident_sections(self, language)


class IncidentTask(ChildRow):
    """A task of the solution: who does what by when; ticked done while it is implemented."""

    parent_field = "incident"

    incident = models.ForeignKey(SecurityIncident, models.CASCADE, related_name="tasks", verbose_name=_("incident"))
    description = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner"))
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["incident", "due", "pk"]
        verbose_name = _("solution task")
        verbose_name_plural = _("solution tasks")

    def __str__(self):
        return self.description[:80]

    @staticmethod
    def restrict_rows(queryset, user, action):
        visible = SecurityIncident.restrict_rows(SecurityIncident._base_manager.all(), user, action)
        return queryset.filter(incident__in=visible.values("pk"))
