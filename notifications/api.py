"""REST: one's own notifications (list, read one, mark read, mark all read). Nobody sees another's."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RestrictedReadOnlyViewSet
from core.drf import MatrixPermission

from .models import Notification, NotificationPreference
from .services import preference_for


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    read = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "key", "title", "url", "due", "owner", "created", "read", "read_at",
                  "emailed_at", "done", "resolved_at"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None

    def get_done(self, obj) -> bool:
        """The item left the reader's work queue (approved, written, closed)."""
        return obj.resolved_at is not None


class MarkReadPermission(MatrixPermission):
    """Marking read changes the notification: the matrix's "change" (everyone, on their own), not "add"."""

    @staticmethod
    def action(request, view):
        if getattr(view, "action", None) in {"read", "read_all"}:
            return "change"
        return MatrixPermission.action(request, view)


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """The caller's notifications, newest first (`?unread=true`: only those unread and still to do)."""

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    permission_classes = [MarkReadPermission]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and self.request.query_params.get("unread") == "true":
            queryset = queryset.pending()
        return queryset

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = Notification.objects.restrict(request.user, "change").unread().update(read_at=timezone.now())
        return Response({"marked": marked})


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = NotificationPreference
        fields = ["id", "email_mode", "language", "calendar_url", "last_digest_on"]
        read_only_fields = ["last_digest_on"]

    def get_calendar_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("notifications:calendar", args=[obj.calendar_token]))


class NotificationPreferenceViewSet(mixins.UpdateModelMixin, RestrictedReadOnlyViewSet):
    """The caller's own notification settings (one row, made with the defaults when first asked for): how they
    are e-mailed, in which language, and the address of their calendar feed."""

    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)

    queryset = NotificationPreference.objects.all()
    serializer_class = NotificationPreferenceSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        preference_for(self.request.user)
        return super().get_queryset()


ROUTES = [("notifications/settings", NotificationPreferenceViewSet), ("notifications", NotificationViewSet)]
