from .views import ProcurementPlanViews, TenderViews, purchase_urls

app_name = "procurement"
urlpatterns = [*ProcurementPlanViews.urls(), *TenderViews.urls(), *purchase_urls()]
