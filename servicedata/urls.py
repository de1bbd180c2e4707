from django.urls import path

from . import views

app_name = "servicedata"
urlpatterns = [
    *views.TicketViews.urls(),
    *views.OutageViews.urls(),
    *views.MaintenanceWindowViews.urls(),
    *views.ImportJobViews.urls(),
    path("importjob/<int:pk>/progress/", views.ImportJobProgressView.as_view(), name="importjob_progress"),
    path("sla/", views.SlaOverviewView.as_view(), name="sla_overview"),
    path("contract/<int:pk>/", views.ContractTicketsView.as_view(), name="contract_tickets"),
    path("contract/<int:pk>/import/", views.ContractImportView.as_view(), name="contract_import"),
    path("contract/<int:pk>/sla/", views.SlaDashboardView.as_view(), name="sla_dashboard"),
    path("contract/<int:pk>/sla/recompute/", views.RecomputeView.as_view(), name="sla_recompute"),
    # ---- import profiles
    *views.ImportProfileViews.urls(),
    path("contract/<int:pk>/import/preview/<str:token>/", views.ImportPreviewView.as_view(),
         name="contract_import_preview"),
    # ---- data quality
    path("importjob/<int:pk>/quality/", views.QualityReportView.as_view(), name="importjob_quality"),
    # ---- connectors

    # ---- webhook endpoints

]
