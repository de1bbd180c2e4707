from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.InboxView.as_view(), name="notification_list"),
    path("notification/<int:pk>/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("notification/<int:pk>/read/", views.MarkReadView.as_view(), name="notification_read"),
    path("read-all/", views.MarkAllReadView.as_view(), name="read_all"),
    path("calendar/regenerate/", views.RegenerateCalendarView.as_view(), name="calendar_regenerate"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar"),
]
