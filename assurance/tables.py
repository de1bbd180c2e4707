"""The lists of audit readiness (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.display import readable
from core.tables import RecordLinkColumn

from .models import AuditEngagement, ComplianceRun, EvidencePack, Finding

# ---- compliance findings and runs ----


class FindingTable(tables.Table):
    rule_id = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("rule"),
                            attrs={"td": {"class": "text-nowrap"}})
    severity = tables.Column(accessor="get_severity_display", order_by="severity", verbose_name=_("severity"))
    clause = tables.Column(verbose_name=_("clause"))
    object_label = tables.Column(verbose_name=_("record"))
    message = tables.Column(orderable=False, verbose_name=_("what was found"))
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))
    project = RecordLinkColumn(order_by="project__number", verbose_name=_("project"))
    status = tables.Column(accessor="get_status_display", order_by="status", verbose_name=_("status"))
    first_found = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("first found"))
    last_found = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("last found"))

    class Meta:
        model = Finding
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("rule_id", "severity", "clause", "object_label", "message", "contract", "project", "status",
                  "first_found", "last_found")

    def render_object_label(self, value, record):
        if record.object_url:
            return format_html('<a href="{}">{}</a>', record.object_url, value)
        return value

    def value_object_label(self, value, record):
        return value

    def render_message(self, value, record):
        return readable(value)

    def value_message(self, value, record):
        return readable(value)


class ComplianceRunTable(tables.Table):
    started_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=lambda record: record.get_absolute_url(),
                                       verbose_name=_("started"))
    trigger = tables.Column(accessor="get_trigger_display", order_by="trigger", verbose_name=_("trigger"))
    started_by = tables.Column(verbose_name=_("started by"))
    state = tables.Column(accessor="get_state_display", order_by="state", verbose_name=_("state"))
    finished_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("finished"))
    rules_run = tables.Column(verbose_name=_("rules run"))
    found = tables.Column(verbose_name=_("violations found"))
    new = tables.Column(verbose_name=_("new findings"))
    resolved = tables.Column(verbose_name=_("no longer found"))

    class Meta:
        model = ComplianceRun
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("started_at", "trigger", "started_by", "state", "finished_at", "rules_run", "found", "new",
                  "resolved")


# ---- evidence packs ----


class EvidencePackTable(tables.Table):
    title = tables.Column(linkify=True)
    content_hash = tables.Column(verbose_name=_("content hash"), orderable=False)

    class Meta:
        model = EvidencePack
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("title", "period_start", "period_end", "state", "requested_by", "created", "files", "content_hash")

    def render_content_hash(self, value):
        return value[:16] + "…" if value else ""


# ---- external audits ----


class AuditEngagementTable(tables.Table):
    title = tables.Column(linkify=True)
    access_from = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("access from"))
    access_until = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("access until"))
    sample = tables.Column(empty_values=(), orderable=False, verbose_name=_("audit sample"))

    class Meta:
        model = AuditEngagement
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("title", "audit_body", "period_start", "period_end", "access_from", "access_until", "sample",
                  "coordinator")

    def render_sample(self, record):
        return ", ".join(c.number for c in record.contracts.all()) or "—"

    def value_sample(self, record):
        return self.render_sample(record)
