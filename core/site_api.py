"""REST endpoints of core's own tables: the Record Register, the audit trail, numbering schemes."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from . import display
from .api import RecordSerializer, RestrictedReadOnlyViewSet, ServiceViewSet
from .filtersets import AuditEntryFilterSet, NumberingSchemeFilterSet, RecordIndexFilterSet, state_choices
from .models import AuditEntry, BackgroundJob, NumberingScheme, RecordIndex


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


class BackgroundJobSerializer(serializers.ModelSerializer):
    """A background job (core.jobs): poll it until `state` is done or failed; `download` is the result's address."""

    percent = serializers.IntegerField(read_only=True)
    message = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = BackgroundJob
        fields = ["id", "kind", "title", "state", "done", "total", "percent", "message", "download", "result_name",
                  "result_size", "created", "started_at", "finished_at", "expires_at", "request_id"]
        read_only_fields = fields

    def get_message(self, job) -> str:
        return display.readable(job.message)

    def get_download(self, job) -> str | None:
        if not job.result or job.expired:
            return None
        from django.urls import reverse

        url = reverse("core:job_download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class BackgroundJobViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own background jobs (large exports, SLA recomputes), newest first."""

    queryset = BackgroundJob.objects.all()
    serializer_class = BackgroundJobSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None

    def get_queryset(self):
        return BackgroundJob.objects.filter(owner=self.request.user).order_by("-created", "-pk")

    def get_object(self):
        from .jobs import current

        return current(super().get_object())


ROUTES = [
    ("core/jobs", BackgroundJobViewSet),
    ("numbering-schemes", NumberingSchemeViewSet),
    ("audit", AuditEntryViewSet),
    ("register", RecordIndexViewSet),
]
