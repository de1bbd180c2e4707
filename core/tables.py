import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, NumberingScheme, RecordIndex
from .registry import registry


class LinkedNumberColumn(tables.Column):
    def render(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value(self, value, record):
        return value


def record_label(obj):
    """How a record is named in a link: its number (文件编号), else its code, else its name."""
    return getattr(obj, "number", None) or getattr(obj, "code", None) or str(obj)


class RecordLinkColumn(tables.Column):
    """A referenced record (the contract of an SLA, the project of a plan) as a link named by its number; plain
    text in exports. The list view selects the related row (`select_related`), so no query per row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("linkify", False)
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        url = getattr(value, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), record_label(value)) if url else record_label(value)

    def value(self, value, record):
        return record_label(value)


class StatusColumn(tables.Column):
    def render(self, value, record):
        return format_html('<span class="badge status-{}">{}</span>', record.status, value)

    def value(self, value, record):
        return value


class ControlledRecordTable(tables.Table):
    number = LinkedNumberColumn(verbose_name=_("number"))
    version = tables.Column(verbose_name=_("version"))
    title = tables.Column(verbose_name=_("title"))
    status = StatusColumn(accessor="get_status_display", order_by="status", verbose_name=_("status"))
    owner_department = tables.Column(verbose_name=_("drafting department"))
    author = tables.Column(verbose_name=_("author"))
    updated = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("updated"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("number", "version", "title", "status", "owner_department", "author", "updated")


class RecordIndexTable(tables.Table):
    number = tables.Column(verbose_name=_("number"), linkify=lambda record: record.url)
    version = tables.Column(verbose_name=_("version"))
    record_type = tables.Column(verbose_name=_("record type"))
    title = tables.Column(verbose_name=_("title"))
    status = tables.Column(accessor="get_status_display", order_by="status", verbose_name=_("status"))
    department = tables.Column(verbose_name=_("drafting department"))
    customer = tables.Column(verbose_name=_("customer"))
    project_label = tables.Column(verbose_name=_("project"))
    author = tables.Column(verbose_name=_("author"))
    updated = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("updated"))

    class Meta:
        model = RecordIndex
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("number", "version", "record_type", "title", "status", "department", "customer", "project_label",
                  "author", "updated")

    def render_record_type(self, value):
        record_type = registry.get(value)
        return record_type.label if record_type else value

    def render_status(self, value, record):
        return format_html('<span class="badge status-{}">{}</span>', record.status, value)

    def value_status(self, value, record):
        return value


class AuditEntryTable(tables.Table):
    seq = tables.Column(verbose_name="#")
    at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("time"))
    username = tables.Column(verbose_name=_("user"))
    action = tables.Column(verbose_name=_("action"))
    object_repr = tables.Column(verbose_name=_("object"))
    changes = tables.Column(verbose_name=_("changes"), orderable=False)
    comment = tables.Column(verbose_name=_("comment"))
    ip = tables.Column(verbose_name=_("IP address"))
    request_id = tables.Column(verbose_name=_("request id"))

    class Meta:
        model = AuditEntry
        attrs = {"class": "table table-sm table-hover align-middle small"}
        fields = ("seq", "at", "username", "action", "object_repr", "changes", "comment", "ip", "request_id")

    def render_changes(self, value):
        return "; ".join(f"{k}: {v[0]!s:.40} → {v[1]!s:.40}" for k, v in value.items()
                         if isinstance(v, list) and len(v) == 2)


class NumberingSchemeTable(tables.Table):
    record_type = tables.Column(linkify=True, verbose_name=_("record type"))
    example = tables.Column(empty_values=(), orderable=False, verbose_name=_("example"))

    class Meta:
        model = NumberingScheme
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("record_type", "prefix", "pattern", "example")

    def render_record_type(self, value):
        record_type = registry.get(value)
        return record_type.label if record_type else value

    def render_example(self, record):
        return record.example()
