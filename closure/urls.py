from django.urls import path

from .views import summary

app_name = "closure"
urlpatterns = []

# ---- project closure ----
from .views import ProjectClosureViews  # noqa: E402

urlpatterns += ProjectClosureViews.urls()

# ---- summary report ----
urlpatterns += [
    *summary.SummaryReportViews.urls(),
    path("summaryreport/<int:pk>/generate/", summary.GenerateSummaryView.as_view(), name="summaryreport_generate"),
]
