from .views import (
    ChangeRequestViews,
    InitiationApplicationViews,
    InitiationPlanViews,
    PlanReviewViews,
    ProjectPlanViews,
    ProjectViews,
    WorkPlanViews,
)

app_name = "projects"
urlpatterns = [
    *ProjectViews.urls(),
    *InitiationApplicationViews.urls(),
    *InitiationPlanViews.urls(),
    *ProjectPlanViews.urls(),
    *PlanReviewViews.urls(),
    *WorkPlanViews.urls(),
    *ChangeRequestViews.urls(),
]
