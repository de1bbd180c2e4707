"""REST: connectors (credentials write-only: `login`, `secret`, `app_token` are accepted, never returned; the
answer says `credentials_set`) and the `sync` action (queued for the worker; the sync is audited as an import)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RecordSerializer, ServiceViewSet
from core.choices import RecordStatus

from ..connectors import credentials
from ..connectors.tasks import request_sync
from ..filtersets import ConnectorFilterSet
from ..models import Connector


def _write_only(label, help_text=""):
    return serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=2000, label=label,
                                 help_text=help_text, style={"input_type": "password"})


class ConnectorSerializer(RecordSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    login = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200,
                                  help_text="ServiceNow user or Jira account e-mail; empty: the token is a bearer.")
    secret = _write_only("secret", "Password or token (never returned).")
    app_token = _write_only("app_token", "GLPI App-Token (never returned).")
    credentials_set = serializers.SerializerMethodField()

    class Meta:
        model = Connector
        fields = ["id", "url", "contract", "name", "kind", "base_url", "query", "profile", "enabled",
                  "interval_minutes", "run_as", "login", "secret", "app_token", "credentials_set", "state",
                  "failures", "cursor", "next_run_at", "last_success_at", "last_error", "created", "updated"]
        read_only_fields = ["state", "failures", "cursor", "next_run_at", "last_success_at", "last_error",
                            "created", "updated"]

    def get_credentials_set(self, obj) -> bool:
        return credentials.is_set(obj)

    def validate_profile(self, value):
        if value is not None and value.status != RecordStatus.APPROVED:
            raise serializers.ValidationError(_("Choose an approved import profile."))
        return value

    def validate(self, data):
        given = {k: data.pop(k, "") or "" for k in credentials.KEYS}
        kind = data.get("kind") or getattr(self.instance, "kind", "")
        self._credentials = None
        if any(given.values()) or not getattr(self.instance, "credentials", ""):
            missing = credentials.missing(kind, given) if kind else []
            if missing:
                raise serializers.ValidationError({name: _("This service desk needs it.") for name in missing})
            self._credentials = given if any(given.values()) else None
        return data

    def save_instance(self, instance, before):
        if self._credentials:
            instance.credentials = credentials.encrypt(self._credentials)
        super().save_instance(instance, before)
        if before is not None and self._credentials:
            credentials.note_replaced(instance, self.context["request"].user)


SyncQueued = inline_serializer("ConnectorSyncQueued", {"task": serializers.CharField(),
                                                       "state": serializers.CharField()})


class ConnectorViewSet(ServiceViewSet):
    """Pull connectors of a contract's service desk (ServiceNow, Jira Service Management, GLPI, Zammad)."""

    queryset = Connector.objects.all()
    serializer_class = ConnectorSerializer
    filterset_class = ConnectorFilterSet
    select_related = ("contract",)
    action_permissions = {"sync": "sync"}

    @extend_schema(request=None, responses={202: SyncQueued})
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        """Sync now: the changes since the cursor, imported as one audited import."""
        connector = self.get_object()
        result = request_sync(connector, request.user)
        connector.refresh_from_db(fields=["state"])
        return Response({"task": str(result.id), "state": connector.state}, status=status.HTTP_202_ACCEPTED)


ROUTES = [("servicedata/connectors", ConnectorViewSet)]
