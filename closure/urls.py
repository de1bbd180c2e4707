app_name = "closure"
urlpatterns = []

# ---- internal review and acceptance certificate ----
from .views.acceptance import AcceptanceCertificateViews  # noqa: E402
from .views.review import InternalReviewViews  # noqa: E402

urlpatterns += [*InternalReviewViews.urls(), *AcceptanceCertificateViews.urls()]
