app_name = "closure"
urlpatterns = []

# ---- project closure ----
from .views import ProjectClosureViews  # noqa: E402

urlpatterns += ProjectClosureViews.urls()
