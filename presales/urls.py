from .views import PresalesProposalViews, ProposalLineViews, ServiceRequirementViews, StaffSkillViews

app_name = "presales"
urlpatterns = [
    *ServiceRequirementViews.urls(),
    *PresalesProposalViews.urls(),
    *ProposalLineViews.urls(),
    *StaffSkillViews.urls(),
]
