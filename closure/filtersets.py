"""One FilterSet per model of the closure stage (list pages and API alike), one block per sub-domain."""

import django_filters

from core.filtersets import ControlledRecordFilterSet

# ---- summary report ----
from .models import Lesson, SummaryReport


class SummaryReportFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = SummaryReport
        fields = ["q", "status", "project", "owner_department", "created_after", "created_before"]


class LessonFilterSet(django_filters.FilterSet):
    class Meta:
        model = Lesson
        fields = ["report", "kind"]
