"""REST endpoints of projects and their teams: opening from a signed contract, appointing the manager."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core import audit, records
from core.api import ServiceViewSet

from .. import services
from ..choices import ProjectKind
from ..filtersets import ProjectFilterSet, TeamMemberFilterSet
from ..models import Project, TeamMember
from .base import inline_choice


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
