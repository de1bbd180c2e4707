from django.urls import path

from .views import CandidatesView, ProblemViews, TaskDoneView

app_name = "problems"
urlpatterns = [
    *ProblemViews.urls(),
    path("problem/<int:pk>/task/<int:task>/done/", TaskDoneView.as_view(), name="problem_task_done"),
    path("candidates/", CandidatesView.as_view(), name="candidates"),
]
