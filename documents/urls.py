from .views import ProcedureDocumentViews

app_name = "documents"
urlpatterns = ProcedureDocumentViews.urls()
