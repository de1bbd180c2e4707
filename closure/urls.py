from django.urls import path

from .api.acceptance import SigningLinkDecisionView
from .views.acceptance import AcceptanceCertificateViews
from .views.closure import ProjectClosureViews
from .views.review import InternalReviewViews
from .views.summary import GenerateSummaryView, SummaryReportViews

app_name = "closure"
urlpatterns = [
    *ProjectClosureViews.urls(),
    *SummaryReportViews.urls(),
    path("summaryreport/<int:pk>/generate/", GenerateSummaryView.as_view(), name="summaryreport_generate"),
    *InternalReviewViews.urls(),
    *AcceptanceCertificateViews.urls(),
    # The signing-link holder's decision (no account): outside the API router, whose routes all read a queryset.
    path("sign/api/decide/", SigningLinkDecisionView.as_view(), name="sign_api"),
]
