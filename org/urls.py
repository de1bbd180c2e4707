from .views import DelegationViews, DepartmentViews, UserViews

app_name = "org"
urlpatterns = DepartmentViews.urls() + UserViews.urls() + DelegationViews.urls()
