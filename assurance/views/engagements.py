"""engagements pages."""

urlpatterns = []
