from .views import clauses, engagements, findings, packs

app_name = "assurance"
urlpatterns = findings.urlpatterns + clauses.urlpatterns + packs.urlpatterns + engagements.urlpatterns
