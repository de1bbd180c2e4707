"""clauses pages."""

urlpatterns = []
