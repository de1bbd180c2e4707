"""REST endpoints of projects and their teams: opening from a signed contract, appointing the manager."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RecordSerializer, ServiceViewSet
from org.models import User

from .. import services
from ..choices import ProjectKind
from ..filtersets import ProjectFilterSet, TeamMemberFilterSet
from ..models import Project, TeamMember
from .base import inline_choice


class ProjectSerializer(RecordSerializer):
    """A project; opened from a signed contract by services.open_project. Its status and contract are not
    written here (the status changes through a named service, the contract is the one it was opened from)."""

    kind = inline_choice(ProjectKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "code", "name", "kind", "kind_display", "category", "customer", "contract", "changes_project",
                  "status", "start_date", "end_date", "manager", "manager_appointed_by", "manager_appointed_at",
                  "opened_by", "goals", "description", "progress", "created", "updated"]
        read_only_fields = ["code", "kind", "customer", "changes_project", "status", "start_date", "end_date",
                            "manager", "manager_appointed_by", "manager_appointed_at", "opened_by"]
        extra_kwargs = {"name": {"required": False}, "goals": {"required": False}}

    def get_progress(self, obj) -> float | None:
        return services.project_progress(obj) if self.context.get("with_progress") else None

    def create(self, validated_data):
        return services.open_project(
            validated_data["contract"], self.context["request"].user, name=validated_data.get("name", ""),
            category=validated_data.get("category"), description=validated_data.get("description", ""),
            goals=validated_data.get("goals", ()))

    def update(self, instance, validated_data):
        validated_data.pop("contract", None)
        return super().update(instance, validated_data)


class TeamMemberSerializer(RecordSerializer):
    class Meta:
        model = TeamMember
        fields = ["id", "project", "user", "role", "allocation", "start_date", "end_date"]

    def save_instance(self, instance, before):
        services.save_member(instance, self.context["request"].user, before)


class AppointSerializer(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())  # the service checks the role


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

    @extend_schema(request=AppointSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        project = self.get_object()
        given = AppointSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.appoint_manager(project, given.validated_data["manager"], request.user)
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
    delete_service = staticmethod(services.remove_member)  # the service decides who may change a team

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data["warnings"] = services.team_warnings(Project.objects.get(pk=response.data["project"]))
        return response
