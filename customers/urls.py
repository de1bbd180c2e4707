from .views import CustomerViews

app_name = "customers"
urlpatterns = CustomerViews.urls()
