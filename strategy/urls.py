from django.urls import path

from .views import (
    AnnualGoalsViews,
    DecisionsView,
    DecisionViews,
    ManagementReviewViews,
    TakeInputsView,
    TrackDecisionView,
)

app_name = "strategy"
urlpatterns = [
    *AnnualGoalsViews.urls(),
    *ManagementReviewViews.urls(),
    path("managementreview/<int:pk>/inputs/", TakeInputsView.as_view(), name="managementreview_inputs"),
    path("managementreview/<int:pk>/decisions/", DecisionsView.as_view(), name="managementreview_decisions"),
    *DecisionViews.urls(),
    path("decision/<int:pk>/track/", TrackDecisionView.as_view(), name="decision_track"),
]
