from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("contract/<int:pk>/", views.ContractView.as_view(), name="contract"),
    path("servicelevelagreement/<int:pk>/", views.SlaView.as_view(), name="sla"),
    path("monthlyservicereport/<int:pk>/", views.ReportView.as_view(), name="report"),
    path("meetingminutes/<int:pk>/", views.MinutesView.as_view(), name="minutes"),
    path("contact/<int:pk>/sign-in/", views.ContactSignInView.as_view(), name="contact_sign_in"),
    path("contact/<int:pk>/revoke/", views.ContactRevokeView.as_view(), name="contact_revoke"),
]
