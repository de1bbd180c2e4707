from core.api import ControlledRecordSerializer, ControlledRecordViewSet

from .filtersets import ProcedureDocumentFilterSet
from .models import ProcedureDocument


class ProcedureDocumentSerializer(ControlledRecordSerializer):
    class Meta(ControlledRecordSerializer.Meta):
        model = ProcedureDocument
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "kind", "owner_department",
                  "author", "customer", "confidentiality", "retention_years", "purpose", "scope", "body", "references",
                  "change_note", "predecessor", "approved_at", "lock_version", "created", "updated"]


class ProcedureDocumentViewSet(ControlledRecordViewSet):
    queryset = ProcedureDocument.objects.all()
    serializer_class = ProcedureDocumentSerializer
    filterset_class = ProcedureDocumentFilterSet
    select_related = ("owner_department", "author")


# Registered by api/urls.py under /api/.
ROUTES = [
    ("documents/procedures", ProcedureDocumentViewSet),
]
