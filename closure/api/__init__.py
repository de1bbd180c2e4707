"""REST endpoints of the closure stage (registered in api/urls.py under closure/...), one module per sub-domain."""

# Registered by api/urls.py under /api/.
ROUTES = []

# ---- project closure ----
from .closure import ClosureDispositionViewSet, ProjectClosureViewSet  # noqa: E402

ROUTES += [("closure/project-closures", ProjectClosureViewSet), ("closure/dispositions", ClosureDispositionViewSet)]

# ---- summary report ----
from .summary import LessonViewSet, SummaryReportViewSet  # noqa: E402

ROUTES += [
    ("closure/summary-reports", SummaryReportViewSet),
    ("closure/lessons", LessonViewSet),
]

# ---- internal review and acceptance certificate ----
from .acceptance import (  # noqa: E402
    AcceptanceCertificateViewSet,
    AcceptanceViewSet,
    CertificateItemViewSet,
    SigningLinkViewSet,
)
from .review import CriterionVerdictViewSet, InternalReviewViewSet, JudgeableCriterionViewSet  # noqa: E402

ROUTES += [
    ("closure/internal-reviews", InternalReviewViewSet),
    ("closure/review-criteria", JudgeableCriterionViewSet),
    ("closure/criterion-verdicts", CriterionVerdictViewSet),
    ("closure/acceptance-certificates", AcceptanceCertificateViewSet),
    ("closure/certificate-items", CertificateItemViewSet),
    ("closure/acceptances", AcceptanceViewSet),
    ("closure/signing-links", SigningLinkViewSet),
]
