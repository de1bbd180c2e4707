from .views import ImprovementViews

app_name = "improvement"
urlpatterns = ImprovementViews.urls()
