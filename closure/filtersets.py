"""Filter sets of the closure stage (one per model: the list page and the API share it), one block per sub-domain."""

from core.filtersets import FilterSet
from projects.filtersets import record_filterset

# ---- project closure ----
from .models import ClosureDisposition, ProjectClosure  # noqa: E402

ProjectClosureFilterSet = record_filterset(ProjectClosure)


class ClosureDispositionFilterSet(FilterSet):
    class Meta:
        model = ClosureDisposition
        fields = ["closure", "kind", "item_key", "owner"]


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
