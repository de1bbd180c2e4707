"""External audits over the API: list, read, create, change and delete (assurance.engagements), invite an external
auditor and revoke one's access."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.api import RecordSerializer, ServiceViewSet

from .. import engagements
from ..filtersets import AuditEngagementFilterSet
from ..models import AuditEngagement


class AuditEngagementSerializer(RecordSerializer):
    url = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = AuditEngagement
        fields = ["id", "title", "audit_body", "period_start", "period_end", "access_from", "access_until",
                  "contracts", "auditors", "coordinator", "notes", "is_open", "url", "created", "updated"]
        read_only_fields = ["auditors", "created", "updated"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_is_open(self, obj) -> bool:
        return obj.is_open()

    def create(self, validated_data):
        contracts = validated_data.pop("contracts", [])
        return engagements.save(AuditEngagement(**validated_data), self.context["request"].user, contracts)

    def update(self, instance, validated_data):
        from core import audit

        contracts = validated_data.pop("contracts", None)
        before = audit.snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return engagements.save(instance, self.context["request"].user,
                                instance.contracts.all() if contracts is None else contracts, before=before)


class InviteAuditorRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    password = serializers.CharField(max_length=128, required=False, allow_blank=True, write_only=True)


class RevokeAuditorRequest(serializers.Serializer):
    auditor = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class AuditEngagementViewSet(ServiceViewSet):
    """External audits: the sample of contracts, the audited period and the access window of their auditors."""

    queryset = AuditEngagement.objects.all()
    serializer_class = AuditEngagementSerializer
    filterset_class = AuditEngagementFilterSet
    select_related = ("coordinator",)
    prefetch_related = ("contracts", "auditors")
    delete_service = staticmethod(engagements.delete)
    action_permissions = {"invite": "change", "revoke": "change"}
    parser_classes = (JSONParser,)  # a sample of contracts is a list: JSON only, as the schema says

    @extend_schema(request=InviteAuditorRequest, responses=AuditEngagementSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        data = InviteAuditorRequest(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = self.get_object()
        try:
            engagements.invite(engagement, request.user, **data.validated_data)
        except DjangoPermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        engagement.refresh_from_db()
        return Response(self.get_serializer(engagement).data)

    @extend_schema(request=RevokeAuditorRequest, responses=AuditEngagementSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        data = RevokeAuditorRequest(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = self.get_object()
        auditor = engagement.auditors.filter(pk=data.validated_data["auditor"]).first()
        if auditor is None:
            raise NotFound()
        engagements.revoke(engagement, auditor, request.user)
        return Response(self.get_serializer(engagement).data)


ROUTES = [("assurance/engagements", AuditEngagementViewSet)]
