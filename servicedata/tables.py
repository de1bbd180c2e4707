import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.list_export import CodeColumn, ExportColumn
from core.tables import ControlledRecordTable, RecordLinkColumn

from .models import (
    Connector,
    ImportJob,
    ImportProfile,
    MaintenanceWindow,
    Outage,
    QualityFinding,
    Ticket,
    TicketEvent,
    WebhookEndpoint,
)

ATTRS = {"class": "table table-sm table-hover align-middle"}


def business_duration(seconds) -> str:
    """Business seconds as "3h 05m" (or "2d 3h" past a day of 24 business hours)."""
    if seconds is None:
        return "—"
    minutes = int(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m"


class DurationColumn(ExportColumn, tables.Column):
    """A business duration with a breach badge taken from `<clock>_met` / `<clock>_decided`; exported from those
    three stored values (no model instance), as the text the page shows."""

    def __init__(self, clock, **kwargs):
        self.clock = clock
        super().__init__(accessor=f"{clock}_seconds", **kwargs)

    def render(self, value, record):
        text = business_duration(value)
        if getattr(record, f"{self.clock}_met") is False and getattr(record, f"{self.clock}_decided") is not None:
            return format_html('{} <span class="badge bg-danger breach-badge">{}</span>', text, _("breached"))
        return text

    def value(self, value, record):
        return value

    def export_fields(self, bound_column):
        return f"{self.clock}_seconds", f"{self.clock}_met", f"{self.clock}_decided"

    def export_formatter(self, bound_column):
        breached = " " + " ".join(str(_("breached")).split())  # the badge's text, as the page's cell reads

        def duration(values):
            seconds, met, decided = values
            if seconds is None or seconds == "":
                return ""
            text = business_duration(seconds)
            return text + breached if met is False and decided is not None else text
        return duration


class TicketTable(tables.Table):
    external_id = tables.Column(linkify=True, verbose_name=_("external id"))
    priority = CodeColumn(verbose_name=_("priority"))  # the code (P1..P4) keeps the column narrow
    kind = tables.Column(accessor="get_kind_display", order_by="kind", verbose_name=_("kind"))
    status = tables.Column(accessor="get_status_display", order_by="status", verbose_name=_("status"))
    created = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("created"))
    first_response = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("first response"))
    resolved = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("resolved"))
    response_seconds = DurationColumn("response", verbose_name=_("response (business)"))
    resolution_seconds = DurationColumn("resolution", verbose_name=_("resolution (business)"))

    class Meta:
        model = Ticket
        attrs = {"class": "table table-sm table-hover align-middle small ticket-table"}
        fields = ("external_id", "priority", "kind", "status", "category", "summary", "service", "created",
                  "first_response", "resolved", "response_seconds", "resolution_seconds")


class IntervalTable(tables.Table):
    start = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True, verbose_name=_("start"))
    end = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("end"))
    announced_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("announced at"))


class OutageTable(IntervalTable):
    class Meta:
        model = Outage
        attrs = ATTRS
        fields = ("start", "end", "contract", "service", "planned", "announced_at", "description")


class MaintenanceWindowTable(IntervalTable):
    class Meta:
        model = MaintenanceWindow
        attrs = ATTRS
        fields = ("start", "end", "contract", "announced_at", "description")


class ImportJobTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("file name"))
    status = tables.Column(accessor="get_status_display", order_by="status", verbose_name=_("status"))
    created = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("uploaded"))

    class Meta:
        model = ImportJob
        attrs = ATTRS
        fields = ("name", "contract", "status", "total_rows", "created_count", "updated_count", "unchanged_count",
                  "error_count", "created_by", "created")


# ---- import profiles

class ImportProfileTable(ControlledRecordTable):
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"), default=_("Shared"))
    tool = tables.Column(accessor="get_tool_display", order_by="tool", verbose_name=_("service desk"))

    class Meta(ControlledRecordTable.Meta):
        model = ImportProfile
        fields = ("number", "version", "title", "contract", "tool", "based_on", "format", "status", "updated")

    def render_based_on(self, value):
        from .intake import builtin

        try:
            return builtin.get(value).name
        except KeyError:
            return value


# ---- data quality

class QualityFindingTable(tables.Table):
    """The rows a data-quality rule acted on in one import (labels, not codes; the original values as read)."""

    row = tables.Column(verbose_name=_("row"))
    external_id = tables.Column(verbose_name=_("external id"))
    anomaly = tables.Column(accessor="get_anomaly_display", order_by="anomaly", verbose_name=_("rule"))
    action = tables.Column(accessor="get_action_display", order_by="action", verbose_name=_("what was done"))
    field = tables.Column(verbose_name=_("field"))
    original = tables.Column(verbose_name=_("original values"), orderable=False)
    outcome = tables.Column(verbose_name=_("outcome"), orderable=False, empty_values=())

    class Meta:
        model = QualityFinding
        attrs = {"class": "table table-sm table-hover align-middle small quality-findings"}
        fields = ("row", "external_id", "anomaly", "action", "field", "original", "outcome")

    def render_field(self, value):
        from .choices import ProfileField

        return ProfileField(value).label if value in ProfileField.values else value

    def render_original(self, value):
        return original_text(value) or "—"

    def render_outcome(self, record):
        return outcome_text(record)


def original_text(original) -> str:
    """A finding's original values as read from the source, each named by its field's label."""
    from .choices import ProfileField

    return "; ".join(f"{ProfileField(name).label if name in ProfileField.values else name}: {text}"
                     for name, text in (original or {}).items())


def outcome_text(finding) -> str:
    """What was done to a finding's row, in the reader's language."""
    from core import display

    from .choices import RuleAction

    if finding.outcome:
        return display.readable(finding.outcome)
    if finding.action == RuleAction.EXCLUDE:
        return str(_("The row was left out."))
    if finding.action == RuleAction.KEEP:
        return str(_("Kept as given."))
    return ""


# ---- connectors


class ConnectorTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    kind = tables.Column(accessor="get_kind_display", order_by="kind", verbose_name=_("service desk"))
    state = tables.Column(verbose_name=_("state"))
    last_success_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("last successful sync"))
    next_run_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("next sync"))

    def render_state(self, value, record):
        css = {"ok": "bg-success", "retrying": "bg-warning text-dark", "failed": "bg-danger"}.get(value, "bg-secondary")
        return format_html('<span class="badge {}">{}</span>', css, record.get_state_display())

    class Meta:
        model = Connector
        attrs = ATTRS
        fields = ("name", "contract", "kind", "enabled", "state", "failures", "last_success_at", "next_run_at")



# ---- webhook endpoints
class WebhookEndpointTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    last_event_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("last event"))

    def render_builtin_profile(self, value):
        from .intake import builtin

        return dict(builtin.choices()).get(value, value)

    class Meta:
        model = WebhookEndpoint
        attrs = ATTRS
        fields = ("name", "contract", "profile", "builtin_profile", "external_system", "enabled", "run_as",
                  "last_event_at")


class TicketEventTable(tables.Table):
    external_id = tables.Column(linkify=True, verbose_name=_("external id"))
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("occurred"))
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("received"))
    job = tables.Column(linkify=True, verbose_name=_("import job"))

    class Meta:
        model = TicketEvent
        attrs = ATTRS
        fields = ("external_id", "endpoint", "occurred_at", "received_at", "job")
