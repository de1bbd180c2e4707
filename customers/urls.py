from django.urls import path

from .views import (
    ConfigurationItemViews,
    ContactViews,
    CustomerImportView,
    CustomerViews,
    ImportTemplateView,
    OperatingDataViews,
)

app_name = "customers"
urlpatterns = [
    *CustomerViews.urls(),
    *ContactViews.urls(),
    *ConfigurationItemViews.urls(),
    *OperatingDataViews.urls(),
    path("customer/<int:pk>/import/", CustomerImportView.as_view(), name="customer_import"),
    path("import-template/<str:kind>/", ImportTemplateView.as_view(), name="import_template"),
]
