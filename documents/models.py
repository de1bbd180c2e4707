from django.db import models
from django.utils.translation import gettext_lazy as _

from core.exports import Section
from core.models import ControlledRecord

from .choices import DocumentKind


class ProcedureDocument(ControlledRecord):
    """The company's own controlled procedure files (e.g. 服务策划管理程序 itself, SP-1.4)."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.PROCEDURE)
    purpose = models.TextField(_("purpose"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    body = models.TextField(_("content"), blank=True)
    references = models.TextField(_("referenced documents"), blank=True,
                                  help_text=_("One per line, e.g. ISO/IEC 20000-1:2018."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("procedure document")
        verbose_name_plural = _("procedure documents")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="documents_procedure_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    def export_sections(self, language):
        parts = [(_("Purpose"), self.purpose), (_("Scope"), self.scope), (_("Content"), self.body),
                 (_("Referenced documents"), self.references)]
        return [Section(str(title), [p for p in text.splitlines() if p.strip()]) for title, text in parts if text]
