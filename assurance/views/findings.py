"""findings pages."""

urlpatterns = []
