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
    at = tables.DateTimeColumn(format="DATETIME_FORMAT", verbose_name=_("time"))
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

    def render_username(self, value, record):
        return str(record.user) if record.user_id else value  # the full name; a deleted user's name as recorded

    def render_object_repr(self, value, record):
        from .choices import AuditAction
        from .display import transition_repr

        if record.action != AuditAction.TRANSITION:
            return value
        return transition_repr(record.content_type.model_class() if record.content_type_id else None, value)

    def render_comment(self, value):
        from .display import readable

        return readable(value)

    def before_render(self, request):
        """Describe the changes of the rows shown, as the records' histories do; linked rows by number, so that the
        trail of hundreds of entries costs no query per row or per model (each record's page names them)."""
        from .history import _states_of, describe_changes

        shown = self.page.object_list if getattr(self, "page", None) else self.rows
        rows = [row.record for row in shown]
        by_model = {}
        for entry in rows:
            model = entry.content_type.model_class() if entry.content_type_id else None
            if model is not None:
                by_model.setdefault(model, []).append(entry)
        self._described = {}
        for model, entries in by_model.items():
            for entry, described in describe_changes(model, entries, _states_of(model), names=False):
                self._described[entry.pk] = described

    def render_changes(self, value, record):
        """The changes as the record's history shows them: labels, names, local times (core.history)."""
        described = getattr(self, "_described", {}).get(record.pk)
        if described is None:  # an export (no page rendered): described row by row
            from .history import _states_of, describe_changes

            model = record.content_type.model_class() if record.content_type_id else None
            if model is None:
                return ""
            [(_entry, described)] = describe_changes(model, [record], _states_of(model), names=False)
        return "; ".join(f"{label}: {str(before)[:40]} → {str(after)[:40]}" for label, before, after in described)


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
