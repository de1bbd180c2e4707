"""REST: one's own notifications (list, read one, mark read, mark all read). Nobody sees another's."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RestrictedReadOnlyViewSet
from core.drf import MatrixPermission

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "key", "title", "url", "due", "owner", "created", "read", "read_at",
                  "emailed_at"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadPermission(MatrixPermission):
    """Marking read changes the notification: the matrix's "change" (everyone, on their own), not "add"."""

    @staticmethod
    def action(request, view):
        if getattr(view, "action", None) in {"read", "read_all"}:
            return "change"
        return MatrixPermission.action(request, view)


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """The caller's notifications, newest first (`?unread=true`: only the unread ones)."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    permission_classes = [MarkReadPermission]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and self.request.query_params.get("unread") == "true":
            queryset = queryset.unread()
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


ROUTES = [("notifications", NotificationViewSet)]
