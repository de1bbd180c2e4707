"""Tables of the closure stage's list pages, one block per sub-domain."""

from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

# ---- summary report ----
from .models import SummaryReport


class SummaryReportTable(ControlledRecordTable):
    project = RecordLinkColumn(order_by="project__code", verbose_name=_("project"))

    class Meta(ControlledRecordTable.Meta):
        model = SummaryReport
        fields = ("number", "version", "title", "project", "status", "generated_at", "owner_department", "author",
                  "updated")
