from .views import urlpatterns_of

app_name = "security"
urlpatterns = urlpatterns_of()
