"""REST endpoints of pre-sales (registered in api/urls.py under presales/...): same matrix, services, workflow."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, ServiceViewSet
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


CHILDREN = ("priority_targets", "skills", "participants")


class ServiceRequirementViewSet(ControlledRecordViewSet):
    """Service requirements (SP-4.1.1–4.1.3). Rows are sent as whole lists (`priority_targets`, `skills`,
    `participants`) and written only while the requirement is a draft or returned."""

    queryset = ServiceRequirement.objects.all()
    serializer_class = ServiceRequirementSerializer
    filterset_class = ServiceRequirementFilterSet
    select_related = ("customer", "contract", "owner_department", "author", "service_window")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("priority_targets", "skills", "participants__department")

    def _write(self, serializer, write):
        children = {name: serializer.validated_data.pop(name) for name in CHILDREN
                    if name in serializer.validated_data}
        with transaction.atomic():
            write(serializer)
            requirement = serializer.instance
            if "participants" in children:
                services.set_participants(requirement, self.request.user, children.pop("participants"))
            for name, rows in children.items():
                model, keys = services.CHILD_RELATIONS[name]
                services.replace_rows(requirement, "requirement", name, model, keys, rows, self.request.user)

    def perform_create(self, serializer):
        self._write(serializer, super().perform_create)

    def perform_update(self, serializer):
        self._write(serializer, super().perform_update)

    def perform_destroy(self, instance):
        services.delete_with_rows(instance, self.request.user)


class ProposalLineTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalLineTarget
        fields = ["priority", "response_minutes", "resolution_minutes", "target_percent"]


class ProposalLineSerializer(serializers.ModelSerializer):
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


class ProposalLineViewSet(ServiceViewSet):
    """Lines of a proposal: POST {proposal, tier, price} drafts the SLA from the tier; PATCH adjusts it
    (`priority_targets` as a whole list). Written only while the proposal is a draft or returned."""

    queryset = ProposalLine.objects.all()
    serializer_class = ProposalLineSerializer
    filterset_class = ProposalLineFilterSet
    select_related = ("proposal", "service", "tier", "service_window")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("priority_targets")

    def perform_create(self, serializer):
        serializer.validated_data.pop("priority_targets", None)
        with transaction.atomic():
            super().perform_create(serializer)
            services.apply_tier(serializer.instance, self.request.user)

    def perform_update(self, serializer):
        targets = serializer.validated_data.pop("priority_targets", None)
        tier_changed = "tier" in serializer.validated_data and serializer.validated_data["tier"] != \
            serializer.instance.tier
        with transaction.atomic():
            super().perform_update(serializer)
            if tier_changed:
                services.apply_tier(serializer.instance, self.request.user)
            if targets is not None:
                model, keys = services.LINE_TARGETS
                services.replace_rows(serializer.instance, "line", "priority_targets", model, keys, targets,
                                      self.request.user)


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


class PresalesProposalViewSet(ControlledRecordViewSet):
    """Pre-sales proposals (SP-4.1.4–4.1.5). Lines are written through presales/proposal-lines; `fit-check` runs
    the fit check; submitting needs a fit check run on the current content."""

    queryset = PresalesProposal.objects.all()
    serializer_class = PresalesProposalSerializer
    filterset_class = PresalesProposalFilterSet
    select_related = ("customer", "requirement", "owner_department", "author")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("lines__priority_targets", "requirement__priority_targets",
                                                       "requirement__skills")

    def perform_create(self, serializer):
        requirement = serializer.validated_data.get("requirement")
        if requirement is not None and not serializer.validated_data.get("environment_summary") \
                and requirement.customer_id:
            serializer.validated_data["environment_summary"] = services.environment_summary(requirement.customer)
        super().perform_create(serializer)

    def perform_destroy(self, instance):
        services.delete_with_rows(instance, self.request.user)

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


class StaffSkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffSkill
        fields = ["id", "user", "skill", "level", "free_capacity_percent", "notes", "created", "updated"]
        validators = []  # the model's constraints are checked by core.records (full_clean) with their messages


class StaffSkillViewSet(ServiceViewSet):
    queryset = StaffSkill.objects.all()
    serializer_class = StaffSkillSerializer
    filterset_class = StaffSkillFilterSet
    select_related = ("user",)


# ---- read-only views of child rows (written through their parent above) ---------------------

class ReadOnlyRowsViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, "view")


class RequirementTargetRowSerializer(RequirementTargetSerializer):
    class Meta(RequirementTargetSerializer.Meta):
        fields = ["id", "requirement", *RequirementTargetSerializer.Meta.fields]


class RequirementTargetViewSet(ReadOnlyRowsViewSet):
    """Required response/resolution times of every requirement version; written through presales/requirements."""

    queryset = RequirementTarget.objects.all()
    serializer_class = RequirementTargetRowSerializer
    filterset_fields = ["requirement", "priority"]


class RequirementSkillRowSerializer(RequirementSkillSerializer):
    class Meta(RequirementSkillSerializer.Meta):
        fields = ["id", "requirement", *RequirementSkillSerializer.Meta.fields]


class RequirementSkillViewSet(ReadOnlyRowsViewSet):
    queryset = RequirementSkill.objects.all()
    serializer_class = RequirementSkillRowSerializer
    filterset_fields = ["requirement", "level"]


class ProposalLineTargetRowSerializer(ProposalLineTargetSerializer):
    class Meta(ProposalLineTargetSerializer.Meta):
        fields = ["id", "line", *ProposalLineTargetSerializer.Meta.fields]


class ProposalLineTargetViewSet(ReadOnlyRowsViewSet):
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
