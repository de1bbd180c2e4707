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
