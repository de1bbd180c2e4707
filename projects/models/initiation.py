"""Initiation (SP-4.3.3): the project initiation application and the initiation plan."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import ControlledRecord

from ..choices import ProjectCategory
from .project import USER, ProjectRecord, unique_version


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
        from ..exports import application_sections

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
        from ..exports import initiation_plan_sections

        return initiation_plan_sections(self, language)
