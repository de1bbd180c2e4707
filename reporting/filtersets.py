import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet, SearchFilterSet

from .models import (
    ActionItem,
    InternalServiceReport,
    MeetingMinutes,
    MonthlyServiceReport,
    QualityMeeting,
    ReportProfile,
    SatisfactionResponse,
)


class ReportProfileFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "contract__title")

    class Meta:
        model = ReportProfile
        fields = ["q", "status", "contract", "report_period"]


class MonthlyServiceReportFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "contract__title", "customer__name")

    class Meta:
        model = MonthlyServiceReport
        fields = ["q", "status", "contract", "year", "month"]


class InternalServiceReportFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = InternalServiceReport
        fields = ["q", "status", "scope", "department", "year", "month"]


class QualityMeetingFilterSet(SearchFilterSet):
    search_fields = ("title", "location")

    class Meta:
        model = QualityMeeting
        fields = ["q", "year", "month", "chair"]


class MeetingMinutesFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = MeetingMinutes
        fields = ["q", "status", "meeting"]


class ActionItemFilterSet(SearchFilterSet):
    search_fields = ("description",)
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("overdue"))

    class Meta:
        model = ActionItem
        fields = ["q", "status", "owner", "minutes", "project", "overdue"]

    def only_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class SatisfactionResponseFilterSet(SearchFilterSet):
    search_fields = ("contract__number", "contract__title", "respondent_name", "comment")

    class Meta:
        model = SatisfactionResponse
        fields = ["q", "contract", "occasion", "year", "month", "score"]
