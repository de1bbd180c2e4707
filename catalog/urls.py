from .views import CalendarDayViews, CalendarViews, ServiceFamilyViews, ServiceTierViews, ServiceViews

app_name = "catalog"
urlpatterns = [
    *ServiceFamilyViews.urls(),
    *ServiceViews.urls(),
    *ServiceTierViews.urls(),
    *CalendarViews.urls(),
    *CalendarDayViews.urls(),
]
