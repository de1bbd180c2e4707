from .views import (
    CertificateViews,
    QualifiedListViews,
    SupplierContactViews,
    SupplierEvaluationViews,
    SupplierViews,
)

app_name = "suppliers"
urlpatterns = [
    *SupplierViews.urls(),
    *SupplierContactViews.urls(),
    *CertificateViews.urls(),
    *SupplierEvaluationViews.urls(),
    *QualifiedListViews.urls(),
]
