"""REST: webhook endpoints (the live feed of a contract). The shared secret is answered only by the create and
`rotate` calls, once; lists and reads never carry it. The receiver itself is not part of this API: it is
POST /servicedata/webhook/<token>/, signed with the secret (servicedata.webhook)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RecordSerializer, ServiceViewSet

from .. import webhook
from ..filtersets import WebhookEndpointFilterSet
from ..models import WebhookEndpoint


class WebhookEndpointSerializer(RecordSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    receiver = serializers.SerializerMethodField(help_text="The path service desks POST signed events to.")
    builtin_profile = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                            help_text="A built-in profile key (e.g. servplan, jira-rest), used when "
                                                      "no profile is given.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "receiver", "contract", "name", "profile", "builtin_profile", "external_system",
                  "enabled", "run_as", "last_event_at", "created", "updated"]
        read_only_fields = ["last_event_at", "created", "updated"]

    def get_receiver(self, obj) -> str:
        return reverse("servicedata:webhook_receive", args=[obj.token])

    def validate(self, attrs):
        current = {name: attrs.get(name, getattr(self.instance, name, None))
                   for name in ("contract", "profile", "builtin_profile", "run_as")}
        errors = webhook.setting_errors(current["contract"], current["profile"], current["builtin_profile"] or "",
                                        current["run_as"])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def save_instance(self, instance, before):
        if before is None:
            self.secret = webhook.create_endpoint(instance, self.context["request"].user)
        else:
            super().save_instance(instance, before)


WebhookEndpointCreated = inline_serializer("WebhookEndpointCreated", {
    "endpoint": WebhookEndpointSerializer(),
    "secret": serializers.CharField(help_text="The shared secret, answered this once.")})
SecretAnswer = inline_serializer("WebhookSecret", {
    "secret": serializers.CharField(help_text="The new shared secret, answered this once.")})


class WebhookEndpointViewSet(ServiceViewSet):
    """A contract's live feed endpoints (Service Department manager, administrator)."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = WebhookEndpointSerializer
    filterset_class = WebhookEndpointFilterSet
    select_related = ("contract",)
    action_permissions = {"rotate": "change"}

    @extend_schema(responses={201: WebhookEndpointCreated})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response({"endpoint": serializer.data, "secret": serializer.secret}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SecretAnswer)
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        """A new shared secret, answered once; the previous one stops signing at once."""
        endpoint = self.get_object()
        return Response({"secret": webhook.rotate_secret(endpoint, request.user)})


ROUTES = [
    ("servicedata/webhook-endpoints", WebhookEndpointViewSet),
]
