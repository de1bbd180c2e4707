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


# ---- internal review and acceptance certificate ----
from .models.acceptance import Acceptance, AcceptanceCertificate, SigningLink  # noqa: E402
from .models.review import CriterionVerdict, InternalReview, ReviewCriterion  # noqa: E402



def row_filterset(model, *fields):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (FilterSet,), {"Meta": meta})


InternalReviewFilterSet = record_filterset(InternalReview)
ReviewCriterionFilterSet = row_filterset(ReviewCriterion, "review", "department", "source")
CriterionVerdictFilterSet = row_filterset(CriterionVerdict, "criterion", "verdict", "review_round")
AcceptanceCertificateFilterSet = record_filterset(AcceptanceCertificate)
AcceptanceFilterSet = row_filterset(Acceptance, "certificate", "decision", "method")
SigningLinkFilterSet = row_filterset(SigningLink, "certificate")
