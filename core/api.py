"""The REST base: same matrix, same services, same audit as the pages.

A record type's API is a serializer listing its fields (rows as nested serializers, links as many-to-many
fields) and a viewset naming its queryset, serializer and filterset. `RecordSerializer` writes the row, its
rows and its links in one transaction through core.records and core.rows.
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import audit, records, rows, workflow


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
                      "example": "09:00"})
class ClockTimeField(serializers.TimeField):
    """A time of day on a calendar's clock, answered HH:MM. Not an RFC 3339 `time`: it has no UTC offset (the
    calendar's zone gives it one), so the schema describes it by its pattern."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ReachableRelationsMixin:
    """A related field accepts only ids of rows the caller may see (a project manager names only their own
    projects): an id out of reach is refused as unknown."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for field in fields.values():
            related = getattr(field, "child_relation", field)
            queryset = getattr(related, "queryset", None)
            if request is not None and hasattr(queryset, "restrict"):
                related.queryset = queryset.restrict(request.user, "view")
        return fields


class RecordSerializer(ReachableRelationsMixin, serializers.ModelSerializer):
    """Creates and changes through core.records; nested rows and many-to-many links through core.rows."""

    def create(self, validated_data):
        related = self._split(validated_data)
        instance = self.Meta.model(**validated_data)
        with transaction.atomic():
            self.save_instance(instance, None)
            self._write_related(instance, related)
        return instance

    def update(self, instance, validated_data):
        related = self._split(validated_data)
        before = audit.snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        with transaction.atomic():
            self.save_instance(instance, before)
            self._write_related(instance, related)
        return instance

    def save_instance(self, instance, before):
        """Write the row itself (a serializer may call a service instead, e.g. to draft rows from a template)."""
        user = self.context["request"].user
        if before is None:
            records.create(instance, user)
        else:
            records.update(instance, user, before, expected_lock=self.context["request"].data.get("lock_version"))

    def _split(self, validated_data):
        """Take the rows and links out of the data: they are written after the row itself."""
        related = {}
        for field in self.fields.values():
            if not field.read_only and field.source in validated_data and \
                    isinstance(field, serializers.ListSerializer | serializers.ManyRelatedField):
                related[field.source] = (field, validated_data.pop(field.source))
        return related

    def _write_related(self, instance, related):
        user = self.context["request"].user
        for source, (field, value) in related.items():
            if isinstance(field, serializers.ManyRelatedField):
                rows.set_links(instance, source, value, user)
            else:
                rows.replace(instance, source, value, user)


class WorkflowStateField(serializers.ChoiceField):
    """A record's status: one of the states of its type's workflow (documented as that enum by core.openapi)."""

    def __init__(self, states, **kwargs):
        self.states = states
        super().__init__(states.choices, **kwargs)


class ControlledRecordSerializer(RecordSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        read_only_fields = ("number", "version", "status", "author", "predecessor", "approved_at", "lock_version",
                            "review_round", "created", "updated")

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_fields(self):
        fields = super().get_fields()
        if "status" in fields:  # every state of the type's workflow: the schema's enum is what the API answers
            fields["status"] = WorkflowStateField(self.Meta.model.record_type().workflow.states, read_only=True)
        return fields


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    select_related = ()
    prefetch_related = ()

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, "view") \
            .select_related(*self.select_related).prefetch_related(*self.prefetch_related)


class ServiceViewSet(viewsets.ModelViewSet):
    """Writes go through the serializer (a RecordSerializer: core.records and core.rows); deletes through
    `delete_service`, core.records.delete unless the type's deletion does more (renumbering, a team rule)."""

    select_related = ()
    prefetch_related = ()
    delete_service = staticmethod(records.delete)  # (instance, user)

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, "view") \
            .select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def perform_destroy(self, instance):
        self.delete_service(instance, self.request.user)


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
        "blocked_by": serializers.ListField(child=serializers.CharField()),
        "fixes": serializers.ListField(child=inline_serializer("Fix", {
            "message": serializers.CharField(), "label": serializers.CharField(), "url": serializers.CharField()}))},
        many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        record = self.get_object()
        return Response([{"transition": t.name, "label": str(t.label), "blocked_by": [str(r) for r in reasons],
                          "fixes": [r.fix.as_dict() for r in reasons if r.fix]}
                         for t, reasons in workflow.available(record, request.user)])

