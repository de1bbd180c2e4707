from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from catalog.api import (
    CalendarDayViewSet,
    CalendarVersionViewSet,
    CalendarViewSet,
    CatalogServiceViewSet,
    PriorityTargetViewSet,
    ServiceFamilyViewSet,
    ServiceTierViewSet,
    SkillRequirementViewSet,
    WorkingHoursViewSet,
)
from contracts.api import (
    ContractReviewViewSet,
    ContractServiceViewSet,
    ContractViewSet,
    PaymentMilestoneViewSet,
    ReviewOpinionViewSet,
    ServiceLevelAgreementViewSet,
    SlaTargetViewSet,
)
from customers.api import ConfigurationItemViewSet, ContactViewSet, CustomerViewSet, OperatingDataViewSet
from documents.api import ProcedureDocumentViewSet
from presales.api import (
    PresalesProposalViewSet,
    ProposalLineTargetViewSet,
    ProposalLineViewSet,
    RequirementSkillViewSet,
    RequirementTargetViewSet,
    ServiceRequirementViewSet,
    StaffSkillViewSet,
)
from projects import api as projects_api
from reporting import api as reporting_api
from servicedata.api import ImportJobViewSet, MaintenanceWindowViewSet, OutageViewSet, SlaMetricsViewSet, TicketViewSet
from strategy import api as strategy_api

from .views import (
    AuditEntryViewSet,
    DelegationViewSet,
    DepartmentViewSet,
    NumberingSchemeViewSet,
    RecordIndexViewSet,
    UserViewSet,
)


class TokenView(ObtainAuthToken):
    """POST username + password, get the API token (lockout rules apply)."""

    permission_classes = [AllowAny]


router = DefaultRouter()
router.register("org/departments", DepartmentViewSet)
router.register("org/users", UserViewSet)
router.register("org/delegations", DelegationViewSet)
router.register("numbering-schemes", NumberingSchemeViewSet)
router.register("audit", AuditEntryViewSet)
router.register("register", RecordIndexViewSet)
router.register("customers/contacts", ContactViewSet)
router.register("customers/configuration-items", ConfigurationItemViewSet)
router.register("customers/operating-data", OperatingDataViewSet)
router.register("customers", CustomerViewSet)
router.register("presales/requirements", ServiceRequirementViewSet)
router.register("presales/requirement-targets", RequirementTargetViewSet)
router.register("presales/requirement-skills", RequirementSkillViewSet)
router.register("presales/proposals", PresalesProposalViewSet)
router.register("presales/proposal-lines", ProposalLineViewSet)
router.register("presales/proposal-line-targets", ProposalLineTargetViewSet)
router.register("presales/staff-skills", StaffSkillViewSet)
router.register("catalog/families", ServiceFamilyViewSet)
router.register("catalog/services", CatalogServiceViewSet)
router.register("catalog/tiers", ServiceTierViewSet)
router.register("catalog/calendars", CalendarViewSet)
router.register("catalog/calendar-days", CalendarDayViewSet)
router.register("catalog/calendar-versions", CalendarVersionViewSet)
router.register("catalog/priority-targets", PriorityTargetViewSet)
router.register("catalog/skills", SkillRequirementViewSet)
router.register("catalog/working-hours", WorkingHoursViewSet)
router.register("documents/procedures", ProcedureDocumentViewSet)
router.register("servicedata/sla", SlaMetricsViewSet, basename="sla-metrics")  # before "contracts": same model
router.register("contracts/slas", ServiceLevelAgreementViewSet)  # before "contracts": its detail route matches
router.register("contracts/sla-targets", SlaTargetViewSet)
router.register("contracts/reviews", ContractReviewViewSet)
router.register("contracts/review-opinions", ReviewOpinionViewSet)
router.register("contracts/services", ContractServiceViewSet)
router.register("contracts/payment-milestones", PaymentMilestoneViewSet)
router.register("contracts", ContractViewSet)
router.register("servicedata/tickets", TicketViewSet)
router.register("servicedata/outages", OutageViewSet)
router.register("servicedata/maintenance-windows", MaintenanceWindowViewSet)
router.register("servicedata/import-jobs", ImportJobViewSet)
for prefix, viewset in [
    ("projects/projects", projects_api.ProjectViewSet), ("projects/team", projects_api.TeamMemberViewSet),
    ("projects/initiation-applications", projects_api.InitiationApplicationViewSet),
    ("projects/initiation-plans", projects_api.InitiationPlanViewSet),
    ("projects/project-plans", projects_api.ProjectPlanViewSet),
    ("projects/quality-objectives", projects_api.QualityObjectiveViewSet),
    ("projects/plan-milestones", projects_api.PlanMilestoneViewSet),
    ("projects/plan-risks", projects_api.PlanRiskViewSet),
    ("projects/plan-reviews", projects_api.PlanReviewViewSet),
    ("projects/review-findings", projects_api.ReviewFindingViewSet),
    ("projects/work-plans", projects_api.WorkPlanViewSet), ("projects/tasks", projects_api.TaskViewSet),
    ("projects/dependencies", projects_api.DependencyViewSet),
    ("projects/task-progress", projects_api.TaskProgressViewSet),
    ("projects/change-requests", projects_api.ChangeRequestViewSet),
    ("strategy/annual-goals", strategy_api.AnnualGoalsViewSet), ("strategy/goals", strategy_api.GoalViewSet),
    ("strategy/task-allocations", strategy_api.TaskAllocationViewSet),
    *reporting_api.ROUTES,
]:
    router.register(prefix, viewset)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
