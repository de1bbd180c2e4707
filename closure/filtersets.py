"""Filter sets of the closure stage (one per model: the list page and the API share it)."""

from core.filtersets import FilterSet
from projects.filtersets import record_filterset

from .models import (
    Acceptance,
    AcceptanceCertificate,
    ClosureDisposition,
    CriterionVerdict,
    InternalReview,
    Lesson,
    ProjectClosure,
    ReviewCriterion,
    SigningLink,
    SummaryReport,
)


def row_filterset(model, *fields):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (FilterSet,), {"Meta": meta})


ProjectClosureFilterSet = record_filterset(ProjectClosure)
ClosureDispositionFilterSet = row_filterset(ClosureDisposition, "closure", "kind", "item_key", "owner")
SummaryReportFilterSet = record_filterset(SummaryReport)
LessonFilterSet = row_filterset(Lesson, "report", "kind")
InternalReviewFilterSet = record_filterset(InternalReview)
ReviewCriterionFilterSet = row_filterset(ReviewCriterion, "review", "department", "source")
CriterionVerdictFilterSet = row_filterset(CriterionVerdict, "criterion", "verdict", "review_round")
AcceptanceCertificateFilterSet = record_filterset(AcceptanceCertificate)
AcceptanceFilterSet = row_filterset(Acceptance, "certificate", "decision", "method")
SigningLinkFilterSet = row_filterset(SigningLink, "certificate")
