"""The REST base: same matrix, same services, same audit as the pages."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import audit, records, workflow
from .models import ControlledRecord


class ControlledRecordSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        read_only_fields = ("number", "version", "status", "author", "predecessor", "approved_at", "lock_version",
                            "review_round", "created", "updated")

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class ServiceViewSet(viewsets.ModelViewSet):
    """Writes go through core.records (audit, numbering, optimistic locking)."""

    select_related = ()

    def get_queryset(self):
        action_name = "view"
        return self.queryset.model.objects.restrict(self.request.user, action_name) \
            .select_related(*self.select_related)

    def perform_create(self, serializer):
        instance = serializer.Meta.model(**serializer.validated_data)
        records.create(instance, self.request.user)
        serializer.instance = instance

    def perform_update(self, serializer):
        instance = serializer.instance
        before = audit.snapshot(instance)
        expected = self.request.data.get("lock_version")
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        records.update(instance, self.request.user, before, expected_lock=expected)

    def perform_destroy(self, instance):
        records.delete(instance, self.request.user)


TransitionRequest = inline_serializer("TransitionRequest", {
    "transition": serializers.CharField(), "comment": serializers.CharField(required=False, allow_blank=True)})
TransitionResponse = inline_serializer("TransitionResponse", {
    "done": serializers.BooleanField(), "status": serializers.CharField(), "message": serializers.CharField(),
    "votes": serializers.IntegerField(), "needed": serializers.IntegerField()})


class ControlledRecordViewSet(ServiceViewSet):
    @extend_schema(request=TransitionRequest, responses=TransitionResponse)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        record = self.get_object()
        outcome = workflow.fire(record, request.data.get("transition", ""), request.user,
                                request.data.get("comment", ""))
        return Response({"done": outcome.done, "status": outcome.record.status, "message": outcome.message,
                         "votes": outcome.votes, "needed": outcome.needed})

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        draft = records.new_version(self.get_object(), request.user, comment=request.data.get("comment", ""))
        return Response(self.get_serializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("AvailableTransition", {
        "transition": serializers.CharField(), "label": serializers.CharField(),
        "blocked_by": serializers.ListField(child=serializers.CharField())}, many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        record = self.get_object()
        return Response([{"transition": t.name, "label": str(t.label), "blocked_by": reasons}
                         for t, reasons in workflow.available(record, request.user)])


def is_record(model):
    return issubclass(model, ControlledRecord)
