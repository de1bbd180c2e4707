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


def record_filterset(record_model):
    meta = type("Meta", (), {"model": record_model, "fields": ["q", "status", "project", "owner_department",
                                                               "created_after", "created_before"]})
    return type(f"{record_model.__name__}FilterSet", (ControlledRecordFilterSet,), {"Meta": meta})


def row_filterset(model, *fields):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (django_filters.FilterSet,), {"Meta": meta})


# ---- internal review and acceptance certificate ----
from .models.acceptance import Acceptance, AcceptanceCertificate, SigningLink  # noqa: E402
from .models.review import CriterionVerdict, InternalReview, ReviewCriterion  # noqa: E402

InternalReviewFilterSet = record_filterset(InternalReview)
ReviewCriterionFilterSet = row_filterset(ReviewCriterion, "review", "department", "source")
CriterionVerdictFilterSet = row_filterset(CriterionVerdict, "criterion", "verdict", "review_round")
AcceptanceCertificateFilterSet = record_filterset(AcceptanceCertificate)
AcceptanceFilterSet = row_filterset(Acceptance, "certificate", "decision", "method")
SigningLinkFilterSet = row_filterset(SigningLink, "certificate")
