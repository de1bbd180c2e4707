from django.urls import path

from .views import DelegationViews, DepartmentViews, PreferencesView, UserViews, switch_language

app_name = "org"
urlpatterns = [
    path("me/", PreferencesView.as_view(), name="preferences"),
    path("language/", switch_language, name="switch_language"),
] + DepartmentViews.urls() + UserViews.urls() + DelegationViews.urls()
