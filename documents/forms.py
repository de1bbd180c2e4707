from core.forms import ControlledRecordForm

from .models import ProcedureDocument


class ProcedureDocumentForm(ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ProcedureDocument
        fields = ["title", "kind", "owner_department", "confidentiality", "retention_years", "purpose", "scope",
                  "body", "references", "change_note"]
