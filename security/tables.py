"""Tables of the information security incident list."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

from .models import SecurityIncident


class SecurityIncidentTable(ControlledRecordTable):
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))
    severity = tables.Column(accessor="get_severity_display", order_by="severity", verbose_name=_("severity"))
    reported_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("reported at"))
    acknowledged_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("acknowledged at"))

    class Meta(ControlledRecordTable.Meta):
        model = SecurityIncident
        fields = ("number", "version", "title", "contract", "severity", "status", "reported_at", "acknowledged_at",
                  "updated")
