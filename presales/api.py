"""REST endpoints of pre-sales (registered in api/urls.py under presales/...): same matrix, services, workflow."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    ControlledRecordSerializer,
    ControlledRecordViewSet,
    RecordSerializer,
    RestrictedReadOnlyViewSet,
    ServiceViewSet,
)
from core.permissions import allowed
from org.models import User

from . import fitcheck, services
from .filtersets import (
    PresalesProposalFilterSet,
    ProposalLineFilterSet,
    ServiceRequirementFilterSet,
    StaffSkillFilterSet,
)
from .models import (
    PresalesProposal,
    ProposalLine,
    ProposalLineTarget,
    RequirementSkill,
    RequirementTarget,
    ServiceRequirement,
    StaffSkill,
)


class RequirementTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequirementTarget
        fields = ["priority", "response_minutes", "resolution_minutes"]


class RequirementSkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequirementSkill
        fields = ["skill", "level", "headcount"]


class ServiceRequirementSerializer(ControlledRecordSerializer):
    priority_targets = RequirementTargetSerializer(many=True, required=False,
                                                   help_text="Business minutes per priority (P1-P4).")
    skills = RequirementSkillSerializer(many=True, required=False)
    participants = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)
    missing_participants = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = ServiceRequirement
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "kind", "customer",
                  "contract", "owner_department", "author", "confidentiality", "retention_years", "goals", "scope",
                  "requirements", "strategy", "delivery_approach", "impact_technology", "impact_regulation",
                  "impact_user_environment", "service_window", "availability_percent", "rto_minutes", "rpo_minutes",
                  "continuity_notes", "users", "devices", "tickets_per_month", "participants",
                  "missing_participants", "priority_targets", "skills", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated"]

    def get_missing_participants(self, obj) -> list[str]:
        return obj.missing_participants()


class ServiceRequirementViewSet(ControlledRecordViewSet):
    """Service requirements (SP-4.1.1–4.1.3). Rows are sent as whole lists (`priority_targets`, `skills`,
    `participants`) and written only while the requirement is a draft or returned."""

    queryset = ServiceRequirement.objects.all()
    serializer_class = ServiceRequirementSerializer
    filterset_class = ServiceRequirementFilterSet
    select_related = ("customer", "contract", "owner_department", "author", "service_window")
    prefetch_related = ("priority_targets", "skills", "participants__department")


class ProposalLineTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalLineTarget
        fields = ["priority", "response_minutes", "resolution_minutes", "target_percent"]


class ProposalLineSerializer(RecordSerializer):
    priority_targets = ProposalLineTargetSerializer(many=True, required=False,
                                                    help_text="The draft SLA's targets; copied from the tier when "
                                                              "the line is created.")

    class Meta:
        model = ProposalLine
        fields = ["id", "proposal", "service", "tier", "service_window", "availability_target", "rto_minutes",
                  "rpo_minutes", "max_tickets_per_month", "max_users", "max_devices", "price", "notes",
                  "priority_targets", "created", "updated"]
        read_only_fields = ("service",)
        extra_kwargs = {"service_window": {"required": False}, "availability_target": {"required": False}}

    def create(self, validated_data):
        validated_data.pop("priority_targets", None)  # a new line's draft SLA is its tier's, adjusted afterwards
        return super().create(validated_data)

    def save_instance(self, instance, before):
        services.save_line(instance, self.context["request"].user, before)


class ProposalLineViewSet(ServiceViewSet):
    """Lines of a proposal: POST {proposal, tier, price} drafts the SLA from the tier; PATCH adjusts it
    (`priority_targets` as a whole list). Written only while the proposal is a draft or returned."""

    queryset = ProposalLine.objects.all()
    serializer_class = ProposalLineSerializer
    filterset_class = ProposalLineFilterSet
    select_related = ("proposal", "service", "tier", "service_window")
    prefetch_related = ("priority_targets",)


class PresalesProposalSerializer(ControlledRecordSerializer):
    lines = ProposalLineSerializer(many=True, read_only=True)
    total_price = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    fit_check_current = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = PresalesProposal
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "requirement", "customer",
                  "owner_department", "author", "confidentiality", "retention_years", "environment_summary",
                  "solution", "capability", "risks", "price_notes", "lines", "total_price", "fit_check",
                  "fit_checked_at", "fit_check_current", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", "fit_check",
                            "fit_checked_at")

    def get_fit_check_current(self, obj) -> bool:
        return bool(obj.fit_check) and obj.fit_check_current()

    def save_instance(self, instance, before):
        if before is None:
            instance.environment_summary = services.starting_environment_summary(instance.requirement,
                                                                                 instance.environment_summary)
        super().save_instance(instance, before)


class PresalesProposalViewSet(ControlledRecordViewSet):
    """Pre-sales proposals (SP-4.1.4–4.1.5). Lines are written through presales/proposal-lines; `fit-check` runs
    the fit check; submitting needs a fit check run on the current content."""

    queryset = PresalesProposal.objects.all()
    serializer_class = PresalesProposalSerializer
    filterset_class = PresalesProposalFilterSet
    select_related = ("customer", "requirement", "owner_department", "author")
    prefetch_related = ("lines__priority_targets", "requirement__priority_targets", "requirement__skills")

    @extend_schema(request=None, responses=inline_serializer("FitCheck", {
        "misses": serializers.IntegerField(), "meets": serializers.BooleanField(),
        "lines": serializers.ListField(child=serializers.DictField()),
        "staff": serializers.ListField(child=serializers.DictField()),
        "fit_checked_at": serializers.DateTimeField()}))
    @action(detail=True, methods=["post"], url_path="fit-check")
    def fit_check(self, request, pk=None):
        """Run the fit check on the current content and keep it on the proposal."""
        proposal = self.get_object()
        if not allowed(request.user, PresalesProposal, "change"):
            raise PermissionDenied
        fitcheck.run(proposal, request.user)
        return Response({**proposal.fit_check, "fit_checked_at": proposal.fit_checked_at})


class StaffSkillSerializer(RecordSerializer):
    class Meta:
        model = StaffSkill
        fields = ["id", "user", "skill", "level", "free_capacity_percent", "notes", "created", "updated"]
        validators = []  # the model's constraints are checked by core.records (full_clean) with their messages


class StaffSkillViewSet(ServiceViewSet):
    queryset = StaffSkill.objects.all()
    serializer_class = StaffSkillSerializer
    filterset_class = StaffSkillFilterSet
    select_related = ("user",)


# ---- child rows across records: read here, written only through their record above ----------

class RequirementTargetRowSerializer(RequirementTargetSerializer):
    class Meta(RequirementTargetSerializer.Meta):
        fields = ["id", "requirement", *RequirementTargetSerializer.Meta.fields]


class RequirementTargetViewSet(RestrictedReadOnlyViewSet):
    """Required response/resolution times of every requirement version; written through presales/requirements."""

    queryset = RequirementTarget.objects.all()
    serializer_class = RequirementTargetRowSerializer
    filterset_fields = ["requirement", "priority"]


class RequirementSkillRowSerializer(RequirementSkillSerializer):
    class Meta(RequirementSkillSerializer.Meta):
        fields = ["id", "requirement", *RequirementSkillSerializer.Meta.fields]


class RequirementSkillViewSet(RestrictedReadOnlyViewSet):
    queryset = RequirementSkill.objects.all()
    serializer_class = RequirementSkillRowSerializer
    filterset_fields = ["requirement", "level"]


class ProposalLineTargetRowSerializer(ProposalLineTargetSerializer):
    class Meta(ProposalLineTargetSerializer.Meta):
        fields = ["id", "line", *ProposalLineTargetSerializer.Meta.fields]


class ProposalLineTargetViewSet(RestrictedReadOnlyViewSet):
    """Draft SLA targets of every proposal line; written through presales/proposal-lines."""

    queryset = ProposalLineTarget.objects.all()
    serializer_class = ProposalLineTargetRowSerializer
    filterset_fields = ["line", "priority"]


# Registered by api/urls.py under /api/.
ROUTES = [
    ("presales/requirements", ServiceRequirementViewSet),
    ("presales/requirement-targets", RequirementTargetViewSet),
    ("presales/requirement-skills", RequirementSkillViewSet),
    ("presales/proposals", PresalesProposalViewSet),
    ("presales/proposal-lines", ProposalLineViewSet),
    ("presales/proposal-line-targets", ProposalLineTargetViewSet),
    ("presales/staff-skills", StaffSkillViewSet),
]
