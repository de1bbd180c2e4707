from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    *views.ReportProfileViews.urls(),
    *views.MonthlyServiceReportViews.urls(),
    *views.InternalServiceReportViews.urls(),
    *views.QualityMeetingViews.urls(),
    *views.MeetingMinutesViews.urls(),
    *views.ActionItemViews.urls(),
    *views.SatisfactionResponseViews.urls(),
    path("reportprofile/<int:pk>/agree/", views.ProfileAgreementView.as_view(), name="reportprofile_agree"),
    path("monthlyservicereport/<int:pk>/survey/", views.SurveyView.as_view(), name="satisfaction_answer"),
    path("monthlyservicereport/<int:pk>/generate/", views.GenerateReportView.as_view(),
         name="monthlyservicereport_generate"),
    path("monthlyservicereport/<int:pk>/progress/", views.ReportProgressView.as_view(),
         name="monthlyservicereport_progress"),
    path("monthlyservicereport/<int:pk>/xlsx/", views.MonthlyXlsxView.as_view(), name="monthlyservicereport_xlsx"),
    path("internalservicereport/<int:pk>/generate/", views.GenerateInternalView.as_view(),
         name="internalservicereport_generate"),
    path("internalservicereport/<int:pk>/xlsx/", views.InternalXlsxView.as_view(),
         name="internalservicereport_xlsx"),
    path("qualitymeeting/<int:pk>/ics/", views.MeetingIcsView.as_view(), name="qualitymeeting_ics"),
    path("qualitymeeting/<int:pk>/invite/", views.MeetingInviteView.as_view(), name="qualitymeeting_invite"),
    path("projectplan/<int:pk>/report-settings/", views.ProfileFromPlanView.as_view(), name="profile_from_plan"),
    path("actionitem/<int:pk>/close/", views.CloseActionView.as_view(), name="actionitem_close"),
]
