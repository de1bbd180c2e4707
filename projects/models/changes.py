"""Controlled changes of the approved work plan (SP-4.4.3)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import ControlledRecord

from ..choices import ChangeForm, ChangeKind
from .project import ProjectRecord, unique_version
from .workplan import WorkPlan


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

    # A rejected change requested again compares afresh.
    new_version_resets = ("comparison",)

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
        from ..exports import change_sections

        return change_sections(self, language)
