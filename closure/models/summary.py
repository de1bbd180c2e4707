"""The project summary report 项目总结报告 (SP-4.5.2): drafted by the project team from the data, approved by the
Service Department manager.

Its figures (objectives against results, scope delivered against the baseline work plan, SLA achievement over the
whole contract period, changes, satisfaction, cost) are computed once from the records and the service data and
frozen in `snapshot` (closure.summary_figures), like the monthly report's: regenerating an approved report makes
a new version, never alters it. The PM writes the commentary, the lessons learned and the handover.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import ChildRow, ControlledRecord
from projects.models.project import ProjectRecord, unique_version

from ..choices import LessonKind


class SummaryReport(ProjectRecord):
    """项目总结报告: one per project (its versions share the number); figures frozen in `snapshot`."""

    conclusion = models.TextField(_("overall conclusion"), blank=True,
                                  help_text=_("How the project went, in a few sentences, for the approver."))
    objectives_commentary = models.TextField(_("objectives and results: commentary"), blank=True,
                                             help_text=_("Comment on each objective, above all those missed or "
                                                         "not measurable from the data."))
    delivery_commentary = models.TextField(_("scope and delivery: commentary"), blank=True,
                                           help_text=_("Why tasks were late or cancelled, what changed the scope."))
    cost_commentary = models.TextField(_("cost: commentary"), blank=True,
                                       help_text=_("Actual cost and effort, where known outside ServPlan."))
    handover = models.TextField(_("handover"), blank=True,
                                help_text=_("What is handed over to whom: documents, accounts, open items, "
                                            "the service after the project."))
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("project summary report")
        verbose_name_plural = _("project summary reports")
        constraints = [unique_version("closure_summaryreport")]

    def clean(self):
        super().clean()
        if self.project_id and not self.pk:
            other = SummaryReport.objects.filter(project_id=self.project_id).exclude(number=self.number or "")
            if other.exists():
                raise ValidationError({"project": _t("This project has a summary report already (%(n)s): revise "
                                                     "or regenerate it instead.") % {"n": other.first().number}})

    @property
    def generated(self):
        return bool(self.snapshot)

    def export_sections(self, language):
        from ..exports.summary import summary_sections

        return summary_sections(self, language)


class Lesson(ChildRow):
    """A lesson learned: what went well or is to improve, and what is recommended for the next project."""

    parent_field = "report"

    report = models.ForeignKey(SummaryReport, models.CASCADE, related_name="lessons", verbose_name=_("report"))
    kind = models.CharField(_("kind"), max_length=12, choices=LessonKind.choices, default=LessonKind.TO_IMPROVE)
    description = models.CharField(_("lesson"), max_length=500)
    recommendation = models.CharField(_("recommendation"), max_length=500, blank=True)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def __str__(self):
        return self.description[:80]
