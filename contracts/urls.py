from .views import ContractReviewViews, ContractViews, ServiceLevelAgreementViews

app_name = "contracts"
urlpatterns = [*ContractViews.urls(), *ServiceLevelAgreementViews.urls(), *ContractReviewViews.urls()]
