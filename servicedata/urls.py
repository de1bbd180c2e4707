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
    *views.ConnectorViews.urls(),
    path("connector/<int:pk>/sync/", views.ConnectorSyncView.as_view(), name="connector_sync"),

    # ---- webhook endpoints
    *views.WebhookEndpointViews.urls(),
    path("webhookendpoint/<int:pk>/rotate/", views.RotateSecretView.as_view(), name="webhookendpoint_rotate"),
    *views.TicketEventViews.urls(),
    path("webhook/<str:token>/", views.WebhookReceiverView.as_view(), name="webhook_receive"),

]
