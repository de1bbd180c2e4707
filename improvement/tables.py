"""The register's list: every improvement with its source, owner, due date, status and baseline → after."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

from .models import Improvement
from .services import baseline_after_text


class ImprovementTable(ControlledRecordTable):
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))
    source_kind = tables.Column(verbose_name=_("source"))
    owner = tables.Column(verbose_name=_("owner"))
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("due date"))
    measure = tables.Column(accessor="measure_label", order_by="measure", verbose_name=_("measure"))
    values = tables.Column(accessor="pk", orderable=False, verbose_name=_("baseline → after"))

    class Meta(ControlledRecordTable.Meta):
        model = Improvement
        fields = ("number", "version", "title", "contract", "source_kind", "owner", "due_date", "status", "measure",
                  "values", "updated")

    def render_due_date(self, value, record):
        if record.overdue:
            return format_html('<span class="text-danger fw-semibold">{}</span>', value.isoformat())
        return value.isoformat()

    def value_due_date(self, value, record):
        return value

    def render_values(self, value, record):
        return baseline_after_text(record)

    def value_values(self, value, record):
        return baseline_after_text(record)
