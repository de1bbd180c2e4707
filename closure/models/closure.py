"""The project's closure record (SP-4.5.2) and the dispositions of its checklist items.

A project closes only through its `ProjectClosure`: the project team requests closure, the Service Department
manager closes it once every item of the closure checklist (closure.checklist, computed from the project's state)
is settled: done, or disposed of by that manager (waived, or handed over to a named owner) with a recorded reason.
Closing freezes the checklist as it stood into the record and sets the project's status to closed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ControlledRecord
from projects.models import ProjectRecord

from ..choices import DispositionKind

USER = settings.AUTH_USER_MODEL


class ProjectClosure(ProjectRecord):
    """项目关闭: one per project (new versions allowed); its checklist is frozen when the project closes."""

    # The closure is the one record written while (and after) the project closes.
    written_after_closing = True
    new_version_resets = ("checklist_snapshot", "closed_at")

    notes = models.TextField(_("closure notes"), blank=True,
                             help_text=_("What the project team says about closing: what was delivered, what is "
                                         "handed over, anything the approver should know."))
    checklist_snapshot = models.JSONField(_("checklist when closed"), default=list, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("project closure")
        verbose_name_plural = _("project closures")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="closure_projectclosure_version",
                                               violation_error_message=_("This number and version already exist."))]

    def clean(self):
        super().clean()
        if self.project_id and not self.predecessor_id:
            other = ProjectClosure.objects.filter(project_id=self.project_id).exclude(number=self.number or "")
            if other.exists():
                raise ValidationError({"project": _t("Project %(project)s has a closure record already (%(number)s): "
                                                     "continue that one.")
                                       % {"project": self.project.code, "number": other.first().number}})

    def export_sections(self, language):
        from ..services.closure import closure_sections

        return closure_sections(self, language)


class ClosureDisposition(BaseModel):
    """An open checklist item settled by decision: waived, or handed over to an owner, with the reason.

    Recorded by the Service Department manager (or an administrator) and never changed or deleted: a later
    disposition of the same item supersedes it. The item's label is kept as it read when decided.
    """

    closure = models.ForeignKey(ProjectClosure, models.PROTECT, related_name="dispositions",
                                verbose_name=_("project closure"))
    item_key = models.CharField(_("checklist item"), max_length=120, db_index=True)
    item_label = models.CharField(_("item as it read"), max_length=400)
    kind = models.CharField(_("disposition"), max_length=12, choices=DispositionKind.choices)
    owner = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("new owner"),
                              help_text=_("Who takes the item over after the project closes (handed over)."))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(USER, models.PROTECT, related_name="+", editable=False,
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), editable=False)

    scope_paths = {"project": "closure__project", "contract": "closure__project__contract",
                   "customer": "closure__project__customer"}

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("checklist disposition")
        verbose_name_plural = _("checklist dispositions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind=DispositionKind.HANDED_OVER)
                                   | models.Q(owner__isnull=False), name="closure_handed_over_has_owner",
                                   violation_error_message=_("An item handed over needs its new owner.")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.item_label}"

    def get_absolute_url(self):
        return self.closure.get_absolute_url()

    def clean(self):
        super().clean()
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _t("Give the reason.")})
        if self.kind == DispositionKind.HANDED_OVER and not self.owner_id:
            raise ValidationError({"owner": _t("Name who takes the item over.")})
