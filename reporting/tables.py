import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

from .models import (
    ActionItem,
    InternalServiceReport,
    MeetingMinutes,
    MonthlyServiceReport,
    QualityMeeting,
    ReportProfile,
    SatisfactionResponse,
)

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ReportProfileTable(ControlledRecordTable):
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))

    class Meta(ControlledRecordTable.Meta):
        model = ReportProfile
        fields = ("number", "version", "title", "contract", "report_period", "language", "due_day", "status", "updated")


class MonthlyServiceReportTable(ControlledRecordTable):
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))
    period = tables.Column(accessor="period_label", verbose_name=_("period"), order_by=("year", "month"))

    class Meta(ControlledRecordTable.Meta):
        model = MonthlyServiceReport
        fields = ("number", "version", "title", "contract", "period", "status", "issued_at", "updated")


class InternalServiceReportTable(ControlledRecordTable):
    period = tables.Column(accessor="period_label", verbose_name=_("period"), order_by=("year", "month"))

    class Meta(ControlledRecordTable.Meta):
        model = InternalServiceReport
        fields = ("number", "version", "title", "scope", "department", "period", "status", "updated")


class QualityMeetingTable(tables.Table):
    title = tables.Column(linkify=True)

    class Meta:
        model = QualityMeeting
        attrs = ATTRS
        fields = ("title", "year", "month", "start", "location", "chair", "minute_taker")


class MeetingMinutesTable(ControlledRecordTable):
    meeting = RecordLinkColumn(verbose_name=_("quality meeting"))

    class Meta(ControlledRecordTable.Meta):
        model = MeetingMinutes
        fields = ("number", "version", "title", "meeting", "status", "distributed_at", "updated")


class ActionItemTable(tables.Table):
    description = tables.Column(linkify=True)
    minutes = RecordLinkColumn(order_by="minutes__number", verbose_name=_("minutes"))

    class Meta:
        model = ActionItem
        attrs = ATTRS
        fields = ("description", "owner", "due_date", "status", "closed_at", "minutes", "project")

    def render_status(self, value, record):
        if record.overdue:
            return format_html('{} <span class="badge bg-danger">{}</span>', value, _("overdue"))
        return value


# ---- customer satisfaction ----------------------------------------------------------------------------------
class SatisfactionResponseTable(tables.Table):
    period = tables.Column(accessor="period_label", verbose_name=_("period"), order_by=("year", "month"),
                           linkify=True)
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))
    score = tables.Column(verbose_name=_("score"))
    points = tables.Column(verbose_name=_("points"), orderable=False)

    class Meta:
        model = SatisfactionResponse
        fields = ("period", "contract", "occasion", "score", "points", "respondent_name", "comment", "answered_at")
        attrs = ATTRS

    def render_score(self, value):
        return f"{value}/5"
