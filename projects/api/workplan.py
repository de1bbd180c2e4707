"""REST endpoints of work plans, tasks, dependencies and progress: assignees from the team only, workflow gates."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core import audit
from core.api import RecordSerializer, ServiceViewSet
from core.choices import AuditAction

from .. import services
from ..filtersets import DependencyFilterSet, TaskFilterSet, TaskProgressFilterSet, WorkPlanFilterSet
from ..models import Dependency, Task, TaskProgress, WorkPlan
from .base import ProjectRecordViewSet, record_serializer, row_serializer

TASK_FIELDS = ["key", "parent", "position", "wbs", "name", "deliverable", "assignee", "planned_start", "planned_end",
               "effort_hours", "is_milestone"]


class TaskSerializer(RecordSerializer):
    """A task of a draft work plan, saved by services.save_task (position, roll-up of summary tasks, WBS)."""

    class Meta:
        model = Task
        fields = ["id", "work_plan", *TASK_FIELDS]
        read_only_fields = ["key", "wbs"]

    def save_instance(self, instance, before):
        services.save_task(instance, self.context["request"].user, before)


def _save_dependency(serializer, instance, before):
    """Through the scheduling service: a link the dates break moves the successor, as on the page."""
    services.save_dependency(instance, serializer.context["request"].user, before)


DependencySerializer = row_serializer(Dependency, ["work_plan", "predecessor", "successor", "lag_days"],
                                      extra={"save_instance": _save_dependency})
NestedTaskSerializer = row_serializer(Task, TASK_FIELDS, name="NestedTaskSerializer")
NestedDependencySerializer = row_serializer(Dependency, ["predecessor", "successor", "lag_days"],
                                            name="NestedDependencySerializer")


WorkPlanSerializer = record_serializer(WorkPlan, "change_request", "notes", extra={})
WorkPlanDetailSerializer = record_serializer(
    WorkPlan, "change_request", "notes", "tasks", "dependencies",
    extra={"tasks": NestedTaskSerializer(many=True, read_only=True),
           "dependencies": NestedDependencySerializer(many=True, read_only=True)}, name="WorkPlanDetailSerializer")
WorkPlanSerializer.Meta.read_only_fields = (*WorkPlanSerializer.Meta.read_only_fields, "change_request")
WorkPlanDetailSerializer.Meta.read_only_fields = WorkPlanSerializer.Meta.read_only_fields


class Reschedule(serializers.Serializer):
    task = serializers.IntegerField()
    start = serializers.DateField()


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
        given = Reschedule(data=request.data)
        given.is_valid(raise_exception=True)
        task = plan.tasks.filter(pk=given.validated_data["task"]).first()
        if task is None:
            raise ValidationError({"task": "Give a task of this plan."})
        moved = services.reschedule(plan, task, given.validated_data["start"], request.user)
        return Response({"moved": [{"id": m["id"], "start": m["planned_start"], "end": m["planned_end"]}
                                   for m in moved]})

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        from ..xlsx import work_plan_xlsx

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
        from ..xlsx import read_tasks

        plan = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Send the XLSX file as `file`."})
        count = services.import_tasks(plan, read_tasks(upload, plan), request.user)
        return Response({"tasks": count})

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        # Empty for the baseline itself, an earlier version, or a project without a baseline (as a change's).
        return Response(services.baseline_comparison(self.get_object()) or {})


class TaskViewSet(ServiceViewSet):
    """Tasks of a draft work plan. The assignee must be on the project team (checked on every write)."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    select_related = ("work_plan",)
    delete_service = staticmethod(services.delete_task)  # its sub-tasks and links go too; the WBS is renumbered


class DependencyViewSet(ServiceViewSet):
    """Finish-to-start links with a lag in days; a link closing a loop is refused."""

    queryset = Dependency.objects.all()
    serializer_class = DependencySerializer
    filterset_class = DependencyFilterSet


class TaskProgressSerializer(RecordSerializer):
    class Meta:
        model = TaskProgress
        fields = ["id", "project", "task_key", "percent_complete", "state", "actual_start", "actual_end", "note",
                  "recorded_by", "updated"]
        read_only_fields = ["recorded_by", "updated"]
        validators = []  # one row per task: a POST for a task that has one updates it

    def create(self, validated_data):
        values = dict(validated_data)
        project, key = values.pop("project"), values.pop("task_key")
        return services.record_progress(project, key, self.context["request"].user, **values)

    def update(self, instance, validated_data):
        values = {k: v for k, v in validated_data.items() if k not in ("project", "task_key")}
        return services.record_progress(instance.project, instance.task_key, self.context["request"].user, **values)


class TaskProgressViewSet(ServiceViewSet):
    """Progress against the baseline's tasks (by task key), recorded by the PM and the team; the baseline is
    never changed by it. POST creates or updates the task's row."""

    queryset = TaskProgress.objects.all()
    serializer_class = TaskProgressSerializer
    filterset_class = TaskProgressFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
