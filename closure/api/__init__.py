"""REST endpoints of the closure stage (registered in api/urls.py under closure/...), one module per sub-domain.
The signing-link holder's decision, which needs no account, is served by closure/urls.py (closure:sign_api)."""

from .acceptance import AcceptanceCertificateViewSet, AcceptanceViewSet, CertificateItemViewSet, SigningLinkViewSet
from .closure import ClosureDispositionViewSet, ProjectClosureViewSet
from .review import CriterionVerdictViewSet, InternalReviewViewSet, JudgeableCriterionViewSet
from .summary import LessonViewSet, SummaryReportViewSet

# Registered by api/urls.py under /api/.
ROUTES = [
    ("closure/project-closures", ProjectClosureViewSet),
    ("closure/dispositions", ClosureDispositionViewSet),
    ("closure/summary-reports", SummaryReportViewSet),
    ("closure/lessons", LessonViewSet),
    ("closure/internal-reviews", InternalReviewViewSet),
    ("closure/review-criteria", JudgeableCriterionViewSet),
    ("closure/criterion-verdicts", CriterionVerdictViewSet),
    ("closure/acceptance-certificates", AcceptanceCertificateViewSet),
    ("closure/certificate-items", CertificateItemViewSet),
    ("closure/acceptances", AcceptanceViewSet),
    ("closure/signing-links", SigningLinkViewSet),
]
