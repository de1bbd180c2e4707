import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import AnnualGoals, Decision, ManagementReview


class AnnualGoalsTable(ControlledRecordTable):
    year = tables.Column(verbose_name=_("year"))

    class Meta(ControlledRecordTable.Meta):
        model = AnnualGoals
        fields = ("number", "version", "year", "title", "status", "owner_department", "author", "updated")


class ManagementReviewTable(ControlledRecordTable):
    period = tables.Column(verbose_name=_("period"), accessor="period_label", order_by=("period_start",))
    meeting_date = tables.DateColumn(verbose_name=_("meeting date"), format="Y-m-d")

    class Meta(ControlledRecordTable.Meta):
        model = ManagementReview
        fields = ("number", "version", "title", "period", "meeting_date", "status", "author", "updated")


class DecisionTable(tables.Table):
    decision = tables.Column(linkify=True, verbose_name=_("decision"))
    review = tables.Column(linkify=True, verbose_name=_("management review"), accessor="review__number")
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("due date"))
    done_on = tables.DateColumn(format="Y-m-d", verbose_name=_("done on"))

    class Meta:
        model = Decision
        fields = ("decision", "kind", "owner", "due_date", "status", "done_on", "review")
        attrs = {"class": "table table-sm table-hover align-middle"}
