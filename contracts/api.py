"""REST endpoints of the contract stage (registered in api/urls.py): same matrix, services and workflow as the pages."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _t
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ControlledRecordSerializer, ControlledRecordViewSet
from core.drf import MatrixPermission
from org.models import Department
from presales.models import PresalesProposal

from . import review as review_rule
from . import services
from .choices import Verdict
from .diff import contract_changes
from .filtersets import ContractFilterSet, ContractReviewFilterSet, ServiceLevelAgreementFilterSet
from .models import (
    Contract,
    ContractReview,
    ContractService,
    PaymentMilestone,
    ReviewOpinion,
    ServiceLevelAgreement,
    SlaTarget,
)


class ContractServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractService
        fields = ["service", "tier", "price", "notes"]
        read_only_fields = ("service",)


class PaymentMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentMilestone
        fields = ["name", "due_date", "amount", "condition"]


class ContractSerializer(ControlledRecordSerializer):
    service_lines = ContractServiceSerializer(many=True, required=False)
    milestones = PaymentMilestoneSerializer(many=True, required=False)
    is_signed = serializers.BooleanField(read_only=True)
    sla = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = Contract
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "is_signed", "customer",
                  "proposal", "start_date", "end_date", "value", "customer_signatory", "company_signatory",
                  "payment_terms", "involves_procurement", "service_tier", "calendar", "monthly_ticket_limit",
                  "user_limit", "service_lines", "milestones", "sla", "signed_on", "signed_by", "owner_department",
                  "author", "confidentiality", "retention_years", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "signed_on", "signed_by")

    def get_sla(self, obj) -> int | None:
        slas = sorted(obj.slas.all(), key=lambda s: -s.version)
        return slas[0].pk if slas else None


FromProposal = inline_serializer("ContractFromProposal", {
    "proposal": serializers.IntegerField(), "title": serializers.CharField(required=False),
    "start_date": serializers.DateField(required=False), "end_date": serializers.DateField(required=False),
    "effective_from": serializers.DateField(required=False, help_text="For a change: when the new SLA applies."),
    "owner_department": serializers.IntegerField(required=False)})


class ContractViewSet(ControlledRecordViewSet):
    """Service contracts (SP-4.1.5, SP-4.2): `from-proposal` drafts one from an approved proposal; a change is the
    next version (`new-version`); `changes` lists what changed, SLA included. Rows (`service_lines`, `milestones`)
    are sent as whole lists, written only while the contract is a draft or returned."""

    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    select_related = ("owner_department", "author", "customer")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("service_lines", "milestones", "slas")

    def _write(self, serializer, write):
        children = {name: serializer.validated_data.pop(name) for name in services.CHILD_RELATIONS
                    if name in serializer.validated_data}
        with transaction.atomic():
            write(serializer)
            for name, rows in children.items():
                model, keys = services.CHILD_RELATIONS[name]
                services.replace_rows(serializer.instance, "contract", name, model, keys, rows, self.request.user)

    def perform_create(self, serializer):
        self._write(serializer, super().perform_create)

    def perform_update(self, serializer):
        self._write(serializer, super().perform_update)

    def perform_destroy(self, instance):
        services.delete_with_rows(instance, self.request.user)

    @extend_schema(request=FromProposal, responses={201: ContractSerializer})
    @action(detail=False, methods=["post"], url_path="from-proposal")
    def from_proposal(self, request):
        """Draft the contract (or, for a change, the contract's next version) from an approved proposal."""
        from core.permissions import allowed

        if not allowed(request.user, Contract, "add"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        proposal = get_object_or_404(PresalesProposal.objects.restrict(request.user, "view"),
                                     pk=request.data.get("proposal"))
        dates = serializers.DateField(required=False)
        values = {name: dates.to_internal_value(request.data[name]) for name in ("start_date", "end_date",
                                                                                   "effective_from")
                  if request.data.get(name)}
        department = get_object_or_404(Department, pk=request.data["owner_department"]) \
            if request.data.get("owner_department") else None
        contract = services.contract_from_proposal(proposal, request.user, title=request.data.get("title", ""),
                                                   owner_department=department, **values)
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(self.get_serializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("ContractChanges", {
        "previous": serializers.IntegerField(allow_null=True),
        "contract": serializers.ListField(child=serializers.ListField()),
        "sla": serializers.ListField(child=serializers.ListField())}))
    @action(detail=True, methods=["get"])
    def changes(self, request, pk=None):
        """What changed from the previous version: [label, before, after] rows for the contract and its SLA."""
        changes = contract_changes(self.get_object())
        return Response({"previous": changes["previous"].pk if changes else None,
                         "contract": [list(r) for r in changes.get("contract", [])],
                         "sla": [list(r) for r in changes.get("sla", [])]})

    @extend_schema(responses=inline_serializer("SlaInForce", {
        "date": serializers.DateField(), "kind": serializers.CharField(), "id": serializers.IntegerField(),
        "number": serializers.CharField(), "version": serializers.IntegerField()}))
    @action(detail=True, methods=["get"], url_path="sla-in-force")
    def sla_in_force(self, request, pk=None):
        """The SLA tickets created on ?date=YYYY-MM-DD (default today) are measured against."""
        day = serializers.DateField().to_internal_value(request.query_params["date"]) \
            if request.query_params.get("date") else timezone.localdate()
        sla = self.get_object().sla_for(day)
        kind = "sla" if isinstance(sla, ServiceLevelAgreement) else "tier"
        return Response({"date": day, "kind": kind, "id": sla.pk, "number": sla.number, "version": sla.version})


class SlaTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaTarget
        fields = ["priority", "response_minutes", "resolution_minutes", "target_percent"]


class ServiceLevelAgreementSerializer(ControlledRecordSerializer):
    priority_targets = SlaTargetSerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = ServiceLevelAgreement
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "contract", "customer",
                  "source_tier", "effective_from", "signed_on", "service_window", "availability_target",
                  "rto_minutes", "rpo_minutes", "continuity", "max_tickets_per_month", "max_users", "max_devices",
                  "priority_targets", "owner_department", "author", "confidentiality", "retention_years",
                  "change_note", "predecessor", "approved_at", "lock_version", "created", "updated"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", "signed_on")


class ServiceLevelAgreementViewSet(ControlledRecordViewSet):
    """Signed SLAs (record type "sla"): targets sent as a whole list; signed only together with the contract."""

    queryset = ServiceLevelAgreement.objects.all()
    serializer_class = ServiceLevelAgreementSerializer
    filterset_class = ServiceLevelAgreementFilterSet
    select_related = ("contract", "customer", "owner_department", "author")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("priority_targets")

    def _write(self, serializer, write):
        targets = serializer.validated_data.pop("priority_targets", None)
        with transaction.atomic():
            write(serializer)
            if targets is not None:
                model, keys = services.SLA_TARGETS
                services.replace_rows(serializer.instance, "sla", "priority_targets", model, keys, targets,
                                      self.request.user)

    def perform_create(self, serializer):
        self._write(serializer, super().perform_create)

    def perform_update(self, serializer):
        self._write(serializer, super().perform_update)

    def perform_destroy(self, instance):
        services.delete_with_rows(instance, self.request.user)


@extend_schema_field({"type": "string", "pattern": "^(|agree|conditional|disagree)$",
                      "description": "agree, conditional (agree with conditions) or disagree; empty while pending"})
class VerdictField(serializers.ChoiceField):
    """A pattern, not an enum component, in the schema: the project plan review's `verdict` enum (another
    choice set under the same field name) would otherwise collide with it."""


class ReviewOpinionSerializer(serializers.ModelSerializer):
    verdict = VerdictField(choices=Verdict.choices, read_only=True)
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = ReviewOpinion
        fields = ["id", "review", "department", "verdict", "verdict_display", "comment", "basis", "signer",
                  "signed_on"]
        read_only_fields = fields


class ContractReviewSerializer(ControlledRecordSerializer):
    opinions = ReviewOpinionSerializer(many=True, read_only=True)
    extra_departments = serializers.PrimaryKeyRelatedField(many=True, queryset=Department.objects.all(),
                                                           required=False)
    outcome = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = ContractReview
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "contract", "customer",
                  "extra_departments", "conclusion", "opinions", "outcome", "owner_department", "author",
                  "confidentiality", "retention_years", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer")
        extra_kwargs = {"title": {"required": False}}

    def get_outcome(self, obj) -> dict:
        if "departments_by_kind" not in self.context:
            self.context["departments_by_kind"] = review_rule.departments_by_kind()
        outcome = review_rule.outcome(obj, self.context["departments_by_kind"])
        return {"passed": outcome.passed, "required": [d.pk for d in outcome.required],
                "pending": [d.pk for d in outcome.pending], "disagreed": [d.pk for d in outcome.disagreed],
                "reasons": outcome.reasons()}


class MayViewReview(MatrixPermission):
    """Giving an opinion needs only to see the review here; contracts.services.give_opinion checks the role and the
    department (a Commerce member gives Commerce's opinion without being allowed to edit reviews)."""

    def has_permission(self, request, view):
        from core.middleware import bind_actor
        from core.permissions import allowed

        if not request.user or not request.user.is_authenticated:
            return False
        bind_actor(request, request.user)
        return allowed(request.user, ContractReview, "view")


OpinionRequest = inline_serializer("OpinionRequest", {
    "opinion": serializers.IntegerField(required=False), "department": serializers.IntegerField(required=False),
    "verdict": VerdictField(choices=Verdict.choices), "comment": serializers.CharField(required=False)})


class ContractReviewViewSet(ControlledRecordViewSet):
    """Contract review records (SP-4.2.1): `submit` asks the required departments; each gives its opinion with
    `opinion`; the review passes when every required department agreed."""

    queryset = ContractReview.objects.all()
    serializer_class = ContractReviewSerializer
    filterset_class = ContractReviewFilterSet
    select_related = ("contract", "customer", "owner_department", "author")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("opinions", "extra_departments")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "departments_by_kind": review_rule.departments_by_kind()}

    def _write(self, serializer, write):
        departments = serializer.validated_data.pop("extra_departments", None)
        with transaction.atomic():
            write(serializer)
            if departments is not None:
                services.set_extra_departments(serializer.instance, self.request.user, departments)
            if serializer.instance.status in ("draft", "returned"):
                services.ensure_opinions(serializer.instance, self.request.user)

    def perform_create(self, serializer):
        self._write(serializer, super().perform_create)

    def perform_update(self, serializer):
        self._write(serializer, super().perform_update)

    def perform_destroy(self, instance):
        services.delete_with_rows(instance, self.request.user)

    @extend_schema(request=OpinionRequest, responses=ContractReviewSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayViewReview])
    def opinion(self, request, pk=None):
        """Give the opinion of the caller's department (by `opinion` id or `department` id)."""
        from core.permissions import allowed

        review = self.get_object()
        if not allowed(request.user, ReviewOpinion, "change"):
            raise PermissionDenied(_t("Your role may not give review opinions."))
        lookup = {"pk": request.data["opinion"]} if request.data.get("opinion") else \
            {"department_id": request.data.get("department") or request.user.department_id}
        opinion = get_object_or_404(review.opinions, **lookup)
        services.give_opinion(opinion, request.user, request.data.get("verdict", ""), request.data.get("comment", ""))
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)


# ---- read-only views of child rows (written through their parent above) ---------------------

class ReadOnlyRowsViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, "view")


class ContractServiceRowSerializer(ContractServiceSerializer):
    class Meta(ContractServiceSerializer.Meta):
        fields = ["id", "contract", *ContractServiceSerializer.Meta.fields]


class ContractServiceViewSet(ReadOnlyRowsViewSet):
    queryset = ContractService.objects.all()
    serializer_class = ContractServiceRowSerializer
    filterset_fields = ["contract", "service", "tier"]


class PaymentMilestoneRowSerializer(PaymentMilestoneSerializer):
    class Meta(PaymentMilestoneSerializer.Meta):
        fields = ["id", "contract", *PaymentMilestoneSerializer.Meta.fields]


class PaymentMilestoneViewSet(ReadOnlyRowsViewSet):
    queryset = PaymentMilestone.objects.all()
    serializer_class = PaymentMilestoneRowSerializer
    filterset_fields = ["contract"]


class SlaTargetRowSerializer(SlaTargetSerializer):
    class Meta(SlaTargetSerializer.Meta):
        fields = ["id", "sla", *SlaTargetSerializer.Meta.fields]


class SlaTargetViewSet(ReadOnlyRowsViewSet):
    queryset = SlaTarget.objects.all()
    serializer_class = SlaTargetRowSerializer
    filterset_fields = ["sla", "priority"]


class ReviewOpinionViewSet(ReadOnlyRowsViewSet):
    """Opinions of every review; given through contracts/reviews/{id}/opinion/."""

    queryset = ReviewOpinion.objects.all()
    serializer_class = ReviewOpinionSerializer
    filterset_fields = ["review", "department"]


# Registered by api/urls.py under /api/.
ROUTES = [
    ("contracts/slas", ServiceLevelAgreementViewSet),
    ("contracts/sla-targets", SlaTargetViewSet),
    ("contracts/reviews", ContractReviewViewSet),
    ("contracts/review-opinions", ReviewOpinionViewSet),
    ("contracts/services", ContractServiceViewSet),
    ("contracts/payment-milestones", PaymentMilestoneViewSet),
    ("contracts", ContractViewSet),
]
