import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet, SearchFilterSet

from .choices import ProjectKind, ProjectStatus
from .models import (
    ChangeRequest,
    Dependency,
    InitiationApplication,
    InitiationPlan,
    PlanMilestone,
    PlanReview,
    PlanRisk,
    Project,
    ProjectPlan,
    QualityObjective,
    ReviewFinding,
    Task,
    TaskProgress,
    TeamMember,
    WorkPlan,
)


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "contract__number", "customer__name")
    kind = django_filters.MultipleChoiceFilter(choices=ProjectKind.choices, label=_("kind"))
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices, label=_("status"))

    class Meta:
        model = Project
        fields = ["q", "kind", "status", "customer", "manager"]


def record_filterset(record_model):
    meta = type("Meta", (), {"model": record_model, "fields": ["q", "status", "project", "owner_department",
                                                               "created_after", "created_before"]})
    return type(f"{record_model.__name__}FilterSet", (ControlledRecordFilterSet,), {"Meta": meta})


InitiationApplicationFilterSet = record_filterset(InitiationApplication)
InitiationPlanFilterSet = record_filterset(InitiationPlan)
ProjectPlanFilterSet = record_filterset(ProjectPlan)
PlanReviewFilterSet = record_filterset(PlanReview)
WorkPlanFilterSet = record_filterset(WorkPlan)
ChangeRequestFilterSet = record_filterset(ChangeRequest)


def row_filterset(model, *fields):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (django_filters.FilterSet,), {"Meta": meta})


TeamMemberFilterSet = row_filterset(TeamMember, "project", "user", "role")
QualityObjectiveFilterSet = row_filterset(QualityObjective, "plan")
PlanMilestoneFilterSet = row_filterset(PlanMilestone, "plan")
PlanRiskFilterSet = row_filterset(PlanRisk, "plan")
ReviewFindingFilterSet = row_filterset(ReviewFinding, "review", "state")
TaskFilterSet = row_filterset(Task, "work_plan", "assignee", "parent", "is_milestone")
DependencyFilterSet = row_filterset(Dependency, "work_plan")
TaskProgressFilterSet = row_filterset(TaskProgress, "project", "task_key", "state")
