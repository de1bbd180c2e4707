import django_filters

from core.filtersets import ControlledRecordFilterSet

from .choices import DocumentKind
from .models import ProcedureDocument


class ProcedureDocumentFilterSet(ControlledRecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=DocumentKind.choices)

    class Meta:
        model = ProcedureDocument
        fields = ["q", "kind", "status", "owner_department", "customer", "created_after", "created_before"]
