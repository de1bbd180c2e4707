"""REST endpoints of the acceptance certificate: the certificate, generating it from a passed review, requesting
acceptance, the customer's decision (a signed-in contact, or a paper copy recorded by staff), the decisions, and the
decision through a one-time signing link (no account: the token is the authority)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RestrictedReadOnlyViewSet
from core.permissions import allowed
from core.roles import Role
from projects.api.base import ProjectRecordViewSet, inline_choice, record_serializer

from ..filtersets import AcceptanceCertificateFilterSet, AcceptanceFilterSet, SigningLinkFilterSet
from ..models.acceptance import Acceptance, AcceptanceCertificate, CertificateItem, Decision, SigningLink
from ..models.review import InternalReview
from ..services import acceptance as service


class CertificateItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateItem
        fields = ["id", "criterion", "result", "deviation", "evidence"]
        read_only_fields = fields


AcceptanceCertificateSerializer = record_serializer(
    AcceptanceCertificate, "review", "period_start", "period_end", "deliverables", "statement", "document_sha256",
    "requested_at", "requested_by", "items",
    extra={"items": CertificateItemSerializer(many=True, read_only=True)})


class AcceptanceSerializer(serializers.ModelSerializer):
    valid = serializers.SerializerMethodField()

    class Meta:
        model = Acceptance
        fields = ["id", "certificate", "decision", "comments", "method", "signer_name", "signer_title",
                  "signer_organisation", "contact", "user", "recorded_by", "decided_at", "ip", "user_agent",
                  "document_sha256", "document_version", "scan", "valid"]
        read_only_fields = fields

    def get_valid(self, obj) -> bool:
        return service.acceptance_valid(obj)


RequestSerializer = inline_serializer("AcceptanceRequest", {
    "contacts": serializers.ListField(child=serializers.IntegerField(), required=False,
                                      help_text="Customer contacts (ids) who get a one-time signing link.")})
DecisionSerializer = inline_serializer("AcceptanceDecision", {
    "decision": inline_choice(Decision.choices), "comments": serializers.CharField(required=False, allow_blank=True),
    "signer_title": serializers.CharField(required=False, allow_blank=True, max_length=100),
    "score": serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5,
                                      help_text="The satisfaction survey offered at acceptance (optional, 1–5)."),
    "survey_comment": serializers.CharField(required=False, allow_blank=True)})
LinkDecisionSerializer = inline_serializer("LinkDecision", {
    "token": serializers.CharField(), "certificate": serializers.IntegerField(),
    "decision": inline_choice(Decision.choices), "comments": serializers.CharField(required=False, allow_blank=True),
    "signer_name": serializers.CharField(max_length=100), "signer_title": serializers.CharField(max_length=100),
    "signer_organisation": serializers.CharField(max_length=200),
    "score": serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5),
    "survey_comment": serializers.CharField(required=False, allow_blank=True)})


class AcceptanceCertificateViewSet(ProjectRecordViewSet):
    """Acceptance certificates (项目验收证明). `generate` drafts one from a passed review; `request` fixes the PDF and
    its SHA-256 and e-mails signing links; `decide` records a signed-in customer contact's acceptance or
    rejection."""

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = AcceptanceCertificate.objects.all()
    serializer_class = AcceptanceCertificateSerializer
    filterset_class = AcceptanceCertificateFilterSet
    service_checked_actions = ("generate", "request_acceptance", "decide")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("items")

    @extend_schema(request=inline_serializer("GenerateCertificate", {"review": serializers.IntegerField()}),
                   responses={201: AcceptanceCertificateSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        if not allowed(request.user, AcceptanceCertificate, "add"):
            raise PermissionDenied
        review = InternalReview.objects.restrict(request.user, "view").filter(pk=request.data.get("review")).first()
        if review is None:
            raise serializers.ValidationError({"review": "Not found."})
        cert = service.generate_certificate(review, request.user)
        return Response(self.get_serializer(cert).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RequestSerializer, responses=AcceptanceCertificateSerializer)
    @action(detail=True, methods=["post"], url_path="request")
    def request_acceptance(self, request, pk=None):
        from customers.models import Contact

        cert = self.get_object()
        if not allowed(request.user, cert, "request"):
            raise PermissionDenied
        ids = [int(i) for i in request.data.get("contacts", []) or []]
        contacts = list(Contact.objects.filter(pk__in=ids, customer_id=cert.customer_id))
        if len(contacts) != len(set(ids)):
            raise serializers.ValidationError({"contacts": "Not contacts of the certificate's customer."})
        service.request_acceptance(cert, request.user, contacts, request)
        cert.refresh_from_db()
        return Response(self.get_serializer(cert).data)

    @extend_schema(request=DecisionSerializer, responses={201: AcceptanceSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """A signed-in customer contact accepts or rejects (a paper copy is recorded on the page, with its scan)."""
        cert = self.get_object()
        if Role.CUSTOMER not in request.user.own_roles:
            raise PermissionDenied
        given = type(DecisionSerializer)(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        acceptance = service.decide_in_portal(cert, request.user, data["decision"], data.get("comments", ""),
                                              data.get("signer_title", ""), request=request,
                                              score=data.get("score"), survey_comment=data.get("survey_comment", ""))
        return Response(AcceptanceSerializer(acceptance).data, status=status.HTTP_201_CREATED)


class CertificateItemViewSet(RestrictedReadOnlyViewSet):
    """The certificate's criteria and results, generated from the passed review (written only through it)."""

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = CertificateItem.objects.all()
    serializer_class = CertificateItemSerializer


class AcceptanceViewSet(RestrictedReadOnlyViewSet):
    """The customer's decisions: who, when, how, from where, the SHA-256 and version decided on, still valid or not."""

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = Acceptance.objects.all()
    serializer_class = AcceptanceSerializer
    filterset_class = AcceptanceFilterSet
    select_related = ("certificate",)


class SigningLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = SigningLink
        fields = ["id", "certificate", "contact", "email", "expires_at", "used_at", "sent_by", "language", "created"]
        read_only_fields = fields


class SigningLinkViewSet(RestrictedReadOnlyViewSet):
    """The one-time links sent for a certificate (never their token: only its SHA-256 is stored)."""

    queryset = SigningLink.objects.all()
    serializer_class = SigningLinkSerializer
    filterset_class = SigningLinkFilterSet


class SigningLinkDecisionView(APIView):
    """`POST /closure/sign/api/decide/`: the decision through a one-time signing link, for a signer without an
    account (the token is the authority): used, expired and foreign links are refused (400 with the reason)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LinkDecisionSerializer, responses={201: AcceptanceSerializer})
    def post(self, request):
        given = type(LinkDecisionSerializer)(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        acceptance = service.decide_by_link(data["token"], data["certificate"], data["decision"],
                                            data["signer_name"], data["signer_title"], data["signer_organisation"],
                                            data.get("comments", ""), request=request, score=data.get("score"),
                                            survey_comment=data.get("survey_comment", ""))
        return Response(AcceptanceSerializer(acceptance).data, status=status.HTTP_201_CREATED)
