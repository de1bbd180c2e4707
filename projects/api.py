"""REST endpoints of the project stage (registered in api/urls.py under projects/...). Same services and rules
as the pages: opening from a signed contract, team checks, assignees from the team only, workflow gates."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core import audit, records
from core.api import ControlledRecordSerializer, ControlledRecordViewSet, ServiceViewSet
from core.choices import AuditAction
from core.middleware import bind_actor
from core.permissions import allowed

from . import services
from .choices import ChangeKind, Level, ProjectKind
from .filtersets import (
    ChangeRequestFilterSet,
    DependencyFilterSet,
    InitiationApplicationFilterSet,
    InitiationPlanFilterSet,
    PlanMilestoneFilterSet,
    PlanReviewFilterSet,
    PlanRiskFilterSet,
    ProjectFilterSet,
    ProjectPlanFilterSet,
    QualityObjectiveFilterSet,
    ReviewFindingFilterSet,
    TaskFilterSet,
    TaskProgressFilterSet,
    TeamMemberFilterSet,
    WorkPlanFilterSet,
)
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

RECORD_FIELDS = ["id", "url", "number", "version", "title", "status", "status_display", "project", "owner_department",
                 "author", "customer", "confidentiality", "change_note", "predecessor", "approved_at", "lock_version",
                 "created", "updated"]


def inline_choice(choices, **kwargs):
    """A choice field typed inline in the schema: choice sets shared or named alike elsewhere get no clashing
    enum components (drf-spectacular W001)."""
    values = ", ".join(value for value, _label in choices)
    field_class = extend_schema_field({"type": "string", "description": f"One of: {values}."})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


def record_serializer(model, *fields, extra=None, name=None):
    meta = type("Meta", (ControlledRecordSerializer.Meta,), {
        "model": model, "fields": [*RECORD_FIELDS, *fields],
        "read_only_fields": (*ControlledRecordSerializer.Meta.read_only_fields, "customer"),
        "extra_kwargs": {"owner_department": {"required": False}}})
    return type(name or f"{model.__name__}Serializer", (ControlledRecordSerializer,), {"Meta": meta, **(extra or {})})


class ProjectRecordViewSet(ControlledRecordViewSet):
    select_related = ("owner_department", "author", "project")
    # Actions whose rights the service checks itself (e.g. staff prepare a revision of a PM's change request).
    service_checked_actions = ()

    def check_permissions(self, request):
        if self.action in self.service_checked_actions:
            if not request.user.is_authenticated or not allowed(request.user, self.queryset.model, "view"):
                self.permission_denied(request)
            bind_actor(request, request.user)
            return
        super().check_permissions(request)

    def perform_create(self, serializer):
        serializer.validated_data.setdefault("owner_department", self.request.user.department)
        super().perform_create(serializer)


# ---- projects, team, skills ----------------------------------------------------------------

class ProjectSerializer(serializers.ModelSerializer):
    kind = inline_choice(ProjectKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "code", "name", "kind", "kind_display", "category", "customer", "contract", "changes_project",
                  "status", "start_date", "end_date", "manager", "manager_appointed_by", "manager_appointed_at",
                  "opened_by", "goals", "description", "progress", "created", "updated"]
        read_only_fields = ["code", "kind", "customer", "changes_project", "start_date", "end_date", "manager",
                            "manager_appointed_by", "manager_appointed_at", "opened_by"]
        extra_kwargs = {"name": {"required": False}, "goals": {"required": False}}

    def get_progress(self, obj) -> float | None:
        return services.project_progress(obj) if self.context.get("with_progress") else None


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamMember
        fields = ["id", "project", "user", "role", "allocation", "start_date", "end_date"]


class ProjectViewSet(ServiceViewSet):
    """Projects. POST opens one from a signed contract (a project change when the contract changes one)."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    select_related = ("customer", "contract", "manager")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_progress": self.action == "retrieve"}

    def perform_create(self, serializer):
        data = serializer.validated_data
        with transaction.atomic():
            project = services.open_project(data["contract"], self.request.user, name=data.get("name", ""),
                                            category=data.get("category"), description=data.get("description", ""))
            if data.get("goals"):
                project.goals.set(data["goals"])
                records.log_links(project, self.request.user, {"goals": []})
        serializer.instance = project

    def perform_update(self, serializer):
        goals = serializer.validated_data.pop("goals", None)
        serializer.validated_data.pop("contract", None)
        with transaction.atomic():
            before_links = audit.m2m_snapshot(serializer.instance, ["goals"])
            super().perform_update(serializer)
            if goals is not None:
                serializer.instance.goals.set(goals)
                records.log_links(serializer.instance, self.request.user, before_links)

    @extend_schema(request=inline_serializer("Appoint", {"manager": serializers.IntegerField()}),
                   responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        from org.models import User

        project = self.get_object()
        try:
            manager = User.objects.get(pk=request.data.get("manager"))
        except (User.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"manager": "Unknown user."}) from None
        services.appoint_manager(project, manager, request.user)
        return Response(self.get_serializer(project).data)

    @extend_schema(responses=inline_serializer("TeamCheck", {
        "team": TeamMemberSerializer(many=True), "warnings": serializers.ListField(child=serializers.CharField())}))
    @action(detail=True, methods=["get"])
    def team(self, request, pk=None):
        project = self.get_object()
        return Response({"team": TeamMemberSerializer(project.team.all(), many=True).data,
                         "warnings": services.team_warnings(project)})


class TeamMemberViewSet(ServiceViewSet):
    """Team members: written by the project's PM or the Service Department; warnings come with each answer."""

    queryset = TeamMember.objects.all()
    serializer_class = TeamMemberSerializer
    filterset_class = TeamMemberFilterSet
    select_related = ("user", "project")

    def perform_create(self, serializer):
        member = TeamMember(**serializer.validated_data)
        services.save_member(member, self.request.user)
        serializer.instance = member

    def perform_update(self, serializer):
        member = serializer.instance
        before = audit.snapshot(member)
        for name, value in serializer.validated_data.items():
            setattr(member, name, value)
        services.save_member(member, self.request.user, before)

    def perform_destroy(self, instance):
        services.remove_member(instance, self.request.user)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data["warnings"] = services.team_warnings(Project.objects.get(pk=response.data["project"]))
        return response


# ---- initiation, plan, review ------------------------------------------------------------------

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


class ReportSectionsField(serializers.ListField):
    child = serializers.CharField()


ProjectPlanSerializer = record_serializer(
    ProjectPlan, "measures", "resources", "schedule", "acceptance_criteria", "report_period", "report_sections",
    "report_recipients", "report_agreed_with", "objectives", "milestones", "risks",
    extra={"report_sections": ReportSectionsField(required=False,
                                                  help_text="Codes of projects.choices.ReportSection."),
           "report_recipients": serializers.ListField(child=serializers.CharField(), required=False),
           "objectives": serializers.PrimaryKeyRelatedField(many=True, read_only=True),
           "milestones": serializers.PrimaryKeyRelatedField(many=True, read_only=True),
           "risks": serializers.PrimaryKeyRelatedField(many=True, read_only=True)})


class ProjectPlanViewSet(ProjectRecordViewSet):
    """Project plans; rows are written at quality-objectives/, plan-milestones/, plan-risks/ while a draft."""

    queryset = ProjectPlan.objects.all()
    serializer_class = ProjectPlanSerializer
    filterset_class = ProjectPlanFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("objectives", "milestones", "risks")


def row_viewset(model, fields, filterset, select=(), extra=None):
    meta = type("Meta", (), {"model": model, "fields": ["id", *fields]})
    serializer = type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta, **(extra or {})})
    return type(f"{model.__name__}ViewSet", (ServiceViewSet,), {
        "queryset": model.objects.all(), "serializer_class": serializer, "filterset_class": filterset,
        "select_related": select})


QualityObjectiveViewSet = row_viewset(QualityObjective, ["plan", "objective", "metric", "target", "measurement",
                                                         "owner", "sla_target"], QualityObjectiveFilterSet)
PlanMilestoneViewSet = row_viewset(PlanMilestone, ["plan", "name", "due_date", "deliverable"], PlanMilestoneFilterSet)
PlanRiskViewSet = row_viewset(PlanRisk, ["plan", "description", "likelihood", "impact", "response", "owner"],
                              PlanRiskFilterSet, extra={"likelihood": inline_choice(Level.choices, required=False),
                                                        "impact": inline_choice(Level.choices, required=False)})

PlanReviewSerializer = record_serializer(
    PlanReview, "plan", "held_on", "location", "reviewers", "verdict", "summary", "findings",
    extra={"findings": serializers.PrimaryKeyRelatedField(many=True, read_only=True)})


class PlanReviewViewSet(ProjectRecordViewSet):
    """Plan reviews organised by the PM; `conclude` when reviewers and verdict are recorded."""

    queryset = PlanReview.objects.all()
    serializer_class = PlanReviewSerializer
    filterset_class = PlanReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("reviewers", "findings")

    def perform_create(self, serializer):
        reviewers = serializer.validated_data.pop("reviewers", [])
        with transaction.atomic():
            super().perform_create(serializer)
            serializer.instance.reviewers.set(reviewers)
            records.log_links(serializer.instance, self.request.user, {"reviewers": []})

    def perform_update(self, serializer):
        reviewers = serializer.validated_data.pop("reviewers", None)
        with transaction.atomic():
            before = audit.m2m_snapshot(serializer.instance, ["reviewers"])
            super().perform_update(serializer)
            if reviewers is not None:
                services.ensure_editable(serializer.instance)
                serializer.instance.reviewers.set(reviewers)
                records.log_links(serializer.instance, self.request.user, before)


class ReviewFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewFinding
        fields = ["id", "review", "description", "severity", "raised_by", "state", "resolution"]


class ReviewFindingViewSet(ServiceViewSet):
    """Findings: raised while the review is open; closed or accepted (`resolve`) afterwards too."""

    queryset = ReviewFinding.objects.all()
    serializer_class = ReviewFindingSerializer
    filterset_class = ReviewFindingFilterSet

    def perform_create(self, serializer):
        services.ensure_editable(serializer.validated_data["review"])
        super().perform_create(serializer)

    def perform_update(self, serializer):
        services.ensure_editable(serializer.instance.review)
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        services.ensure_editable(instance.review)
        super().perform_destroy(instance)

    @extend_schema(request=inline_serializer("Resolve", {"state": serializers.CharField(),
                                                          "resolution": serializers.CharField()}),
                   responses=ReviewFindingSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        finding = self.get_object()
        services.resolve_finding(finding, request.user, request.data.get("state", ""),
                                 request.data.get("resolution", ""))
        return Response(self.get_serializer(finding).data)


# ---- work plans ----------------------------------------------------------------------------------

class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "work_plan", "key", "parent", "position", "wbs", "name", "deliverable", "assignee",
                  "planned_start", "planned_end", "effort_hours", "is_milestone"]
        read_only_fields = ["key", "wbs"]


class DependencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Dependency
        fields = ["id", "work_plan", "predecessor", "successor", "lag_days"]


class NestedTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "key", "parent", "position", "wbs", "name", "deliverable", "assignee", "planned_start",
                  "planned_end", "effort_hours", "is_milestone"]


class NestedDependencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Dependency
        fields = ["id", "predecessor", "successor", "lag_days"]


WorkPlanSerializer = record_serializer(WorkPlan, "change_request", "notes", extra={})
WorkPlanDetailSerializer = record_serializer(
    WorkPlan, "change_request", "notes", "tasks", "dependencies",
    extra={"tasks": NestedTaskSerializer(many=True, read_only=True),
           "dependencies": NestedDependencySerializer(many=True, read_only=True)}, name="WorkPlanDetailSerializer")
WorkPlanSerializer.Meta.read_only_fields = (*WorkPlanSerializer.Meta.read_only_fields, "change_request")
WorkPlanDetailSerializer.Meta.read_only_fields = WorkPlanSerializer.Meta.read_only_fields

Reschedule = inline_serializer("Reschedule", {"task": serializers.IntegerField(), "start": serializers.DateField()})
Moved = inline_serializer("MovedTasks", {"moved": inline_serializer("MovedTask", {
    "id": serializers.IntegerField(), "start": serializers.DateField(), "end": serializers.DateField()}, many=True)})


class WorkPlanViewSet(ProjectRecordViewSet):
    """Work plans. The detail carries every task and dependency; tasks are written at tasks/ and dependencies/
    while the version is a draft. Submission needs the approved project plan; only the Service Department
    manager (or a delegate) approves; a revision moves through its change request."""

    queryset = WorkPlan.objects.all()
    serializer_class = WorkPlanSerializer
    filterset_class = WorkPlanFilterSet

    def get_serializer_class(self):
        return WorkPlanDetailSerializer if self.action == "retrieve" else WorkPlanSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("tasks", "dependencies")
        return queryset

    @extend_schema(request=Reschedule, responses=Moved)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        plan = self.get_object()
        try:
            task = plan.tasks.get(pk=int(request.data.get("task")))
            start = date.fromisoformat(str(request.data.get("start")))
        except (Task.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"task": "Give a task of this plan and a start date (YYYY-MM-DD)."}) from None
        if not allowed(request.user, Task, "change"):
            raise PermissionDenied
        moved = services.reschedule(plan, task, start, request.user)
        return Response({"moved": [{"id": m["id"], "start": m["planned_start"], "end": m["planned_end"]}
                                   for m in moved]})

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        from .xlsx import work_plan_xlsx

        plan = self.get_object()
        audit.record_entry(AuditAction.EXPORT, plan, comment="xlsx")
        response = HttpResponse(work_plan_xlsx(plan), content_type="application/vnd.openxmlformats-officedocument"
                                                                   ".spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{plan.number}-V{plan.version}.xlsx"'
        return response

    @extend_schema(request={"multipart/form-data": inline_serializer("TaskImport", {"file": serializers.FileField()})},
                   responses=inline_serializer("Imported", {"tasks": serializers.IntegerField()}))
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_xlsx(self, request, pk=None):
        from .xlsx import read_tasks

        plan = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Send the XLSX file as `file`."})
        count = services.import_tasks(plan, read_tasks(upload, plan), request.user)
        return Response({"tasks": count})

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        plan = self.get_object()
        baseline = plan.project.baseline()
        if baseline is None or baseline.pk == plan.pk:
            return Response({"detail": "This version is the baseline (or there is none)."},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(services.compare(baseline, plan))


class TaskViewSet(ServiceViewSet):
    """Tasks of a draft work plan. The assignee must be on the project team (checked on every write)."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    select_related = ("work_plan",)

    def perform_create(self, serializer):
        task = Task(**serializer.validated_data)
        services.save_task(task, self.request.user)
        serializer.instance = task

    def perform_update(self, serializer):
        task = serializer.instance
        before = audit.snapshot(task)
        for name, value in serializer.validated_data.items():
            setattr(task, name, value)
        services.save_task(task, self.request.user, before)

    def perform_destroy(self, instance):
        services.delete_task(instance, self.request.user)


class DependencyViewSet(ServiceViewSet):
    """Finish-to-start links with a lag in days; a link closing a loop is refused."""

    queryset = Dependency.objects.all()
    serializer_class = DependencySerializer
    filterset_class = DependencyFilterSet


class TaskProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskProgress
        fields = ["id", "project", "task_key", "percent_complete", "state", "actual_start", "actual_end", "note",
                  "recorded_by", "updated"]
        read_only_fields = ["recorded_by", "updated"]
        validators = []  # one row per task: a POST for a task that has one updates it


class TaskProgressViewSet(ServiceViewSet):
    """Progress against the baseline's tasks (by task key), recorded by the PM and the team; the baseline is
    never changed by it. POST creates or updates the task's row."""

    queryset = TaskProgress.objects.all()
    serializer_class = TaskProgressSerializer
    filterset_class = TaskProgressFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project, key = data.pop("project"), data.pop("task_key")
        serializer.instance = services.record_progress(project, key, self.request.user, **data)

    def perform_update(self, serializer):
        row = serializer.instance
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("project", "task_key")}
        serializer.instance = services.record_progress(row.project, row.task_key, self.request.user, **data)


# ---- change requests --------------------------------------------------------------------------

def get_revision(self, obj) -> int | None:
    return getattr(obj.revision(), "pk", None)


ChangeRequestSerializer = record_serializer(
    ChangeRequest, "baseline", "kind", "reason", "form", "verbal_from", "verbal_at", "comparison", "revision",
    extra={"kind": inline_choice(ChangeKind.choices, required=False),
           "revision": serializers.SerializerMethodField(help_text="The revised work plan version."),
           "get_revision": get_revision})
ChangeRequestSerializer.Meta.read_only_fields = (*ChangeRequestSerializer.Meta.read_only_fields, "comparison")


class ChangeRequestViewSet(ProjectRecordViewSet):
    """Work plan changes (SP-4.4.3): `request` (PM) → staff `revise` (a new draft version of the work plan) →
    `check` (PM) → `approve` (Service Department manager: the revision becomes the baseline) or `reject`."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    service_checked_actions = ("revise",)

    @extend_schema(request=None, responses=WorkPlanSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        revision = services.start_revision(self.get_object(), request.user)
        return Response(WorkPlanSerializer(revision, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        return Response(services.comparison_for(self.get_object()) or {})


# Registered by api/urls.py under /api/.
ROUTES = [
    ("projects/projects", ProjectViewSet),
    ("projects/team", TeamMemberViewSet),
    ("projects/initiation-applications", InitiationApplicationViewSet),
    ("projects/initiation-plans", InitiationPlanViewSet),
    ("projects/project-plans", ProjectPlanViewSet),
    ("projects/quality-objectives", QualityObjectiveViewSet),
    ("projects/plan-milestones", PlanMilestoneViewSet),
    ("projects/plan-risks", PlanRiskViewSet),
    ("projects/plan-reviews", PlanReviewViewSet),
    ("projects/review-findings", ReviewFindingViewSet),
    ("projects/work-plans", WorkPlanViewSet),
    ("projects/tasks", TaskViewSet),
    ("projects/dependencies", DependencyViewSet),
    ("projects/task-progress", TaskProgressViewSet),
    ("projects/change-requests", ChangeRequestViewSet),
]
