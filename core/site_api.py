"""REST endpoints of core's own tables: the Record Register, the audit trail, numbering schemes."""

from rest_framework import serializers

from . import display
from .api import RecordSerializer, RestrictedReadOnlyViewSet, ServiceViewSet
from .filtersets import AuditEntryFilterSet, NumberingSchemeFilterSet, RecordIndexFilterSet, state_choices
from .models import AuditEntry, NumberingScheme, RecordIndex


class AuditEntrySerializer(serializers.ModelSerializer):
    # `comment` is kept as stored (the hash covers it); a note the application wrote is stored as data
    # (core.display.message), and `comment_text` reads it in the request's language.
    comment_text = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["seq", "at", "user", "username", "action", "content_type", "object_id", "object_repr", "changes",
                  "comment", "comment_text", "request_id", "ip", "prev_hash", "hash"]

    def get_comment_text(self, entry) -> str:
        return display.readable(entry.comment)


class RecordIndexSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordIndex
        fields = ["id", "record_type", "number", "version", "title", "status", "department", "author", "customer",
                  "project_label", "contract_label", "is_latest", "created", "updated", "url"]

    def get_fields(self):
        fields = super().get_fields()
        fields["status"] = serializers.ChoiceField(state_choices(), read_only=True)  # the states of every type
        return fields


class NumberingSchemeSerializer(RecordSerializer):
    class Meta:
        model = NumberingScheme
        fields = ["id", "record_type", "prefix", "pattern"]


class AuditEntryViewSet(RestrictedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    lookup_field = "seq"


class RecordIndexViewSet(RestrictedReadOnlyViewSet):
    """The Record Register: every record of every type."""

    queryset = RecordIndex.objects.all()
    serializer_class = RecordIndexSerializer
    filterset_class = RecordIndexFilterSet


class NumberingSchemeViewSet(ServiceViewSet):
    queryset = NumberingScheme.objects.all()
    serializer_class = NumberingSchemeSerializer
    filterset_class = NumberingSchemeFilterSet


ROUTES = [
    ("numbering-schemes", NumberingSchemeViewSet),
    ("audit", AuditEntryViewSet),
    ("register", RecordIndexViewSet),
]
