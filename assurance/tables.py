# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----


# ---- external audits ----
import django_tables2 as _tables
from django.utils.translation import gettext_lazy as _

from .models import AuditEngagement


class AuditEngagementTable(_tables.Table):
    title = _tables.Column(linkify=True)
    access_from = _tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("access from"))
    access_until = _tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("access until"))
    sample = _tables.Column(empty_values=(), orderable=False, verbose_name=_("audit sample"))

    class Meta:
        model = AuditEngagement
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("title", "audit_body", "period_start", "period_end", "access_from", "access_until", "sample",
                  "coordinator")

    def render_sample(self, record):
        return ", ".join(c.number for c in record.contracts.all()) or "—"

    def value_sample(self, record):
        return self.render_sample(record)
