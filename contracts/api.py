"""REST endpoints of the contract stage (registered in api/urls.py): same matrix, services and workflow as the pages."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _t
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    ControlledRecordSerializer,
    ControlledRecordViewSet,
    RestrictedReadOnlyViewSet,
    TransitionResponse,
)
from core.drf import MatrixPermission
from core.permissions import allowed
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
    ContractSignatory,
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


class ContractSignatorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractSignatory
        fields = ["party", "name", "title", "signed_on"]
        extra_kwargs = {"title": {"required": True}}

    def validate_signed_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_t("A signature cannot be dated in the future."))
        return value


class ContractSerializer(ControlledRecordSerializer):
    service_lines = ContractServiceSerializer(many=True, required=False)
    milestones = PaymentMilestoneSerializer(many=True, required=False)
    is_signed = serializers.BooleanField(read_only=True)
    sla = serializers.SerializerMethodField()
    signatories = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = Contract
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "is_signed", "customer",
                  "proposal", "start_date", "end_date", "value", "customer_signatory", "company_signatory",
                  "service_sites", "payment_terms", "renewal_terms", "termination_terms", "confidentiality_terms",
                  "signatories", "involves_procurement", "service_tier", "calendar", "monthly_ticket_limit",
                  "user_limit", "service_lines", "milestones", "sla", "signed_on", "signed_by", "owner_department",
                  "author", "confidentiality", "retention_years", "change_note", "predecessor", "approved_at",
                  "lock_version", "created", "updated"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "signed_on", "signed_by")

    @extend_schema_field(ContractSignatorySerializer(many=True))
    def get_signatories(self, obj):
        return ContractSignatorySerializer(obj.signatories.all(), many=True).data

    def get_sla(self, obj) -> int | None:
        slas = sorted(obj.slas.all(), key=lambda s: -s.version)
        return slas[0].pk if slas else None


class SignRequestSerializer(serializers.Serializer):
    signatories = ContractSignatorySerializer(many=True, help_text="Who signed for each party (customer, provider).")
    comment = serializers.CharField(required=False, allow_blank=True)


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id looked up among the objects the caller may see (`restrict(user, "view")`)."""

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.context["request"].user, "view")


class ContractFromProposalSerializer(serializers.Serializer):
    """What Sales gives to draft a contract from an approved proposal."""

    proposal = VisiblePrimaryKeyField(queryset=PresalesProposal.objects.all())
    title = serializers.CharField(required=False, allow_blank=True, default="")
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    effective_from = serializers.DateField(required=False, help_text="For a change: when the new SLA applies.")
    owner_department = VisiblePrimaryKeyField(queryset=Department.objects.all(), required=False)


class ContractViewSet(ControlledRecordViewSet):
    """Service contracts (SP-4.1.5, SP-4.2): `from-proposal` drafts one from an approved proposal; a change is the
    next version (`new-version`); `changes` lists what changed, SLA included. Rows (`service_lines`, `milestones`)
    are sent as whole lists, written only while the contract is a draft or returned."""

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    select_related = ("owner_department", "author", "customer")
    prefetch_related = ("service_lines", "milestones", "slas", "signatories")
    delete_service = staticmethod(services.delete_draft_contract)  # its draft SLA goes first

    @extend_schema(request=ContractFromProposalSerializer, responses={201: ContractSerializer})
    @action(detail=False, methods=["post"], url_path="from-proposal")
    def from_proposal(self, request):
        """Draft the contract (or, for a change, the contract's next version) from an approved proposal."""
        if not allowed(request.user, Contract, "add"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        given = ContractFromProposalSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        contract = services.contract_from_proposal(data.pop("proposal"), request.user, **data)
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

    @extend_schema(request=SignRequestSerializer, responses=TransitionResponse)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign an approved contract (and its SLA): who signed for each party, with title and date."""
        contract = self.get_object()
        if not allowed(request.user, contract, "sign"):
            raise PermissionDenied(_t("Your role may not sign contracts."))
        given = SignRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        signatories = {row["party"]: row for row in given.validated_data["signatories"]}
        outcome = services.sign_contract(contract, request.user, signatories,
                                         comment=given.validated_data.get("comment", ""))
        return Response({"done": outcome.done, "status": outcome.record.status, "message": outcome.message,
                         "votes": outcome.votes, "needed": outcome.needed})

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

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = ServiceLevelAgreement.objects.all()
    serializer_class = ServiceLevelAgreementSerializer
    filterset_class = ServiceLevelAgreementFilterSet
    select_related = ("contract", "customer", "owner_department", "author")

    prefetch_related = ("priority_targets",)


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

    def create(self, validated_data):
        with transaction.atomic():
            return self._with_opinions_requested(super().create(validated_data))

    def update(self, instance, validated_data):
        with transaction.atomic():
            return self._with_opinions_requested(super().update(instance, validated_data))

    def _with_opinions_requested(self, review):
        services.request_opinions_after_save(review, self.context["request"].user)
        return review


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


class OpinionRequestSerializer(serializers.Serializer):
    opinion = serializers.IntegerField(required=False, help_text="The opinion row; or name its department.")
    department = serializers.IntegerField(required=False, help_text="Default: the caller's department.")
    verdict = VerdictField(choices=Verdict.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ContractReviewViewSet(ControlledRecordViewSet):
    """Contract review records (SP-4.2.1): `submit` asks the required departments; each gives its opinion with
    `opinion`; the review passes when every required department agreed."""

    queryset = ContractReview.objects.all()
    serializer_class = ContractReviewSerializer
    filterset_class = ContractReviewFilterSet
    select_related = ("contract", "customer", "owner_department", "author")

    prefetch_related = ("opinions", "extra_departments")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "departments_by_kind": review_rule.departments_by_kind()}

    @extend_schema(request=OpinionRequestSerializer, responses=ContractReviewSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayViewReview])
    def opinion(self, request, pk=None):
        """Give the opinion of the caller's department (by `opinion` id or `department` id)."""
        review = self.get_object()
        if not allowed(request.user, ReviewOpinion, "change"):
            raise PermissionDenied(_t("Your role may not give review opinions."))
        given = OpinionRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        lookup = {"pk": data["opinion"]} if data.get("opinion") else \
            {"department_id": data.get("department") or request.user.department_id}
        opinion = get_object_or_404(ReviewOpinion.objects.restrict(request.user, "view").filter(review=review),
                                    **lookup)
        services.give_opinion(opinion, request.user, data["verdict"], data["comment"])
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)


# ---- child rows across records: read here, written only through their record above ----------

class ContractServiceRowSerializer(ContractServiceSerializer):
    class Meta(ContractServiceSerializer.Meta):
        fields = ["id", "contract", *ContractServiceSerializer.Meta.fields]


class ContractServiceViewSet(RestrictedReadOnlyViewSet):
    queryset = ContractService.objects.all()
    serializer_class = ContractServiceRowSerializer
    filterset_fields = ["contract", "service", "tier"]


class PaymentMilestoneRowSerializer(PaymentMilestoneSerializer):
    class Meta(PaymentMilestoneSerializer.Meta):
        fields = ["id", "contract", *PaymentMilestoneSerializer.Meta.fields]


class PaymentMilestoneViewSet(RestrictedReadOnlyViewSet):
    queryset = PaymentMilestone.objects.all()
    serializer_class = PaymentMilestoneRowSerializer
    filterset_fields = ["contract"]


class SlaTargetRowSerializer(SlaTargetSerializer):
    class Meta(SlaTargetSerializer.Meta):
        fields = ["id", "sla", *SlaTargetSerializer.Meta.fields]


class SlaTargetViewSet(RestrictedReadOnlyViewSet):
    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)
    queryset = SlaTarget.objects.all()
    serializer_class = SlaTargetRowSerializer
    filterset_fields = ["sla", "priority"]


class ContractSignatoryRowSerializer(ContractSignatorySerializer):
    class Meta(ContractSignatorySerializer.Meta):
        fields = ["id", "contract", *ContractSignatorySerializer.Meta.fields]


class ContractSignatoryViewSet(RestrictedReadOnlyViewSet):
    """Who signed each contract; recorded through contracts/{id}/sign/."""

    queryset = ContractSignatory.objects.all()
    serializer_class = ContractSignatoryRowSerializer
    filterset_fields = ["contract", "party"]


class ReviewOpinionViewSet(RestrictedReadOnlyViewSet):
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
    ("contracts/signatories", ContractSignatoryViewSet),
    ("contracts", ContractViewSet),
]
