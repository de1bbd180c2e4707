from django.urls import path

from . import job_views, site_views
from .site_views import HomeView

app_name = "core"
urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("register/", site_views.RegisterView.as_view(), name="register"),
    path("audit/", site_views.AuditLogView.as_view(), name="audit"),
    path("attachments/<int:pk>/", site_views.AttachmentDownloadView.as_view(), name="attachment"),
    path("permissions/", site_views.PermissionMatrixView.as_view(), name="permissions"),
    path("jobs/", job_views.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job_download"),
    *site_views.NumberingSchemeViews.urls(),
]
