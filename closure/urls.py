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

# ---- internal review and acceptance certificate ----
from .views.acceptance import AcceptanceCertificateViews  # noqa: E402
from .views.review import InternalReviewViews  # noqa: E402

from django.urls import path  # noqa: E402

from .api.acceptance import SigningLinkDecisionView  # noqa: E402

urlpatterns += [*InternalReviewViews.urls(), *AcceptanceCertificateViews.urls(),
                path("sign/api/decide/", SigningLinkDecisionView.as_view(), name="sign_api")]
