from core.views import RecordViews

from .filtersets import ProcedureDocumentFilterSet
from .forms import ProcedureDocumentForm
from .models import ProcedureDocument
from .tables import ProcedureDocumentTable


class ProcedureDocumentViews(RecordViews):
    model = ProcedureDocument
    table = ProcedureDocumentTable
    filterset = ProcedureDocumentFilterSet
    form = ProcedureDocumentForm
    select_related = ("owner_department", "author")
    detail_fields = ("kind", "owner_department", "confidentiality", "retention_years", "purpose", "scope", "body",
                     "references", "change_note")
