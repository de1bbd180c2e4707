from .views import AnnualGoalsViews

app_name = "strategy"
urlpatterns = AnnualGoalsViews.urls()
