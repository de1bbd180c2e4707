"""REST endpoints of the closure stage (registered in api/urls.py under closure/...), one module per sub-domain."""

# Registered by api/urls.py under /api/.
ROUTES = []

# ---- summary report ----
from .summary import LessonViewSet, SummaryReportViewSet  # noqa: E402

ROUTES += [
    ("closure/summary-reports", SummaryReportViewSet),
    ("closure/lessons", LessonViewSet),
]
