"""Shared pieces of the project stage's API: record serializers, nested rows, choice fields typed inline."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, RecordSerializer, ServiceViewSet
from core.middleware import bind_actor
from core.permissions import allowed

RECORD_FIELDS = ["id", "url", "number", "version", "title", "status", "status_display", "project", "owner_department",
                 "author", "customer", "confidentiality", "change_note", "predecessor", "approved_at", "lock_version",
                 "created", "updated"]


def inline_choice(choices, **kwargs):
    """A choice field typed inline in the schema: choice sets shared or named alike elsewhere get no clashing
    enum components (drf-spectacular W001)."""
    values = ", ".join(value for value, _label in choices)
    field_class = extend_schema_field({"type": "string", "description": f"One of: {values}."})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class ProjectRecordSerializer(ControlledRecordSerializer):
    """A project's record; its owner department defaults to the author's."""

    def create(self, validated_data):
        validated_data.setdefault("owner_department", self.context["request"].user.department)
        return super().create(validated_data)


def record_serializer(model, *fields, extra=None, name=None):
    meta = type("Meta", (ControlledRecordSerializer.Meta,), {
        "model": model, "fields": [*RECORD_FIELDS, *fields],
        "read_only_fields": (*ControlledRecordSerializer.Meta.read_only_fields, "customer"),
        "extra_kwargs": {"owner_department": {"required": False}}})
    return type(name or f"{model.__name__}Serializer", (ProjectRecordSerializer,), {"Meta": meta, **(extra or {})})


def row_serializer(model, fields, extra=None, name=None):
    """A row written at its own endpoint through core.records."""
    meta = type("Meta", (), {"model": model, "fields": ["id", *fields]})
    return type(name or f"{model.__name__}Serializer", (RecordSerializer,), {"Meta": meta, **(extra or {})})


def nested_rows(model, fields, extra=None):
    """A record's rows as a list in the record (replaced by core.rows); a listed `id` keeps that row."""
    serializer = row_serializer(model, fields, {"id": serializers.IntegerField(required=False), **(extra or {})},
                                name=f"Nested{model.__name__}Serializer")
    return serializer(many=True, required=False)


class ProjectRecordViewSet(ControlledRecordViewSet):
    select_related = ("owner_department", "author", "project")
    # Actions whose rights the service checks itself (e.g. staff prepare a revision of a PM's change request).
    service_checked_actions = ()

    def check_permissions(self, request):
        if self.action in self.service_checked_actions:
            if not request.user.is_authenticated or not allowed(request.user, self.queryset.model, "view"):
                self.permission_denied(request)
            bind_actor(request, request.user)
            return
        super().check_permissions(request)


def row_viewset(model, fields, filterset, select=(), extra=None):
    return type(f"{model.__name__}ViewSet", (ServiceViewSet,), {
        "queryset": model.objects.all(), "serializer_class": row_serializer(model, fields, extra),
        "filterset_class": filterset, "select_related": select})
