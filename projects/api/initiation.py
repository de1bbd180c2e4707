"""REST endpoints of initiation applications and initiation plans."""

from ..filtersets import InitiationApplicationFilterSet, InitiationPlanFilterSet
from ..models import InitiationApplication, InitiationPlan
from .base import ProjectRecordViewSet, record_serializer

InitiationApplicationSerializer = record_serializer(
    InitiationApplication, "contract", "category", "project_manager", "planned_start", "planned_end", "budget",
    "necessity", "feasibility")
InitiationPlanSerializer = record_serializer(InitiationPlan, "objectives", "scope", "organisation", "schedule",
                                             "resources", "budget")


class InitiationApplicationViewSet(ProjectRecordViewSet):
    """Approval: `approve_department` (Service Department manager) then `approve` (Technical Service Division)."""

    queryset = InitiationApplication.objects.all()
    serializer_class = InitiationApplicationSerializer
    filterset_class = InitiationApplicationFilterSet


class InitiationPlanViewSet(ProjectRecordViewSet):
    queryset = InitiationPlan.objects.all()
    serializer_class = InitiationPlanSerializer
    filterset_class = InitiationPlanFilterSet
