"""packs pages."""

urlpatterns = []
