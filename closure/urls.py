app_name = "closure"
urlpatterns = []

# ---- project closure ----
from .views import ProjectClosureViews  # noqa: E402

urlpatterns += ProjectClosureViews.urls()

# ---- summary report ----
from django.urls import path  # noqa: E402

from .views import summary  # noqa: E402

urlpatterns += [
    *summary.SummaryReportViews.urls(),
    path("summaryreport/<int:pk>/generate/", summary.GenerateSummaryView.as_view(), name="summaryreport_generate"),
]
