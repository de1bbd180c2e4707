import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import ProcedureDocument


class ProcedureDocumentTable(ControlledRecordTable):
    kind = tables.Column(accessor="get_kind_display", order_by="kind", verbose_name=_("kind"))

    class Meta(ControlledRecordTable.Meta):
        model = ProcedureDocument
        fields = ("number", "version", "kind", "title", "status", "owner_department", "author", "updated")
