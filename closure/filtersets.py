"""Filter sets of the closure stage (one per model: the list page and the API share it), one block per sub-domain."""

from core.filtersets import FilterSet
from projects.filtersets import record_filterset

# ---- project closure ----
from .models import ClosureDisposition, ProjectClosure

ProjectClosureFilterSet = record_filterset(ProjectClosure)


class ClosureDispositionFilterSet(FilterSet):
    class Meta:
        model = ClosureDisposition
        fields = ["closure", "kind", "item_key", "owner"]


# ---- summary report ----
from .models import Lesson, SummaryReport  # noqa: E402

SummaryReportFilterSet = record_filterset(SummaryReport)


class LessonFilterSet(FilterSet):
    class Meta:
        model = Lesson
        fields = ["report", "kind"]
