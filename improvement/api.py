"""REST endpoints of the improvement register: the improvements (raised from a source with `raised_from` and
`raised_from_id`), the effectiveness check (`POST .../{id}/check/`); baseline and values after are computed by the
server and read-only; closing is `POST .../{id}/transition/` (`request_close`, then the manager's `close`)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog.choices import Priority
from core import records
from core.api import ControlledRecordSerializer, ControlledRecordViewSet
from projects.api.base import inline_choice

from . import services, sources
from .choices import MeasureKind, SourceKind
from .filtersets import ImprovementFilterSet
from .models import Improvement

RECORD_FIELDS = ["id", "url", "number", "version", "title", "status", "status_display", "owner_department",
                 "author", "customer", "confidentiality", "change_note", "predecessor", "approved_at", "lock_version",
                 "created", "updated"]
COMPUTED = ["source_type", "source_id", "measure_label", "baseline_months", "baseline_value", "baseline_detail",
            "baseline_taken_at", "after_months", "after_value", "after_detail", "improved", "target_reached",
            "effective", "check_conclusion", "checked_by", "checked_at"]


class ImprovementSerializer(ControlledRecordSerializer):
    source_kind = inline_choice(SourceKind.choices, required=False)
    measure = inline_choice(MeasureKind.choices, required=False)
    measure_priority = inline_choice([("", "—"), *Priority.choices], required=False, allow_blank=True)
    measure_label = serializers.CharField(read_only=True)
    raised_from = inline_choice([(label, label) for label in sorted(sources.SOURCES)], write_only=True,
                                required=False, help_text="The source record's type (app.model).")
    raised_from_id = serializers.IntegerField(write_only=True, required=False, min_value=1,
                                              help_text="The source record's id.")

    class Meta(ControlledRecordSerializer.Meta):
        model = Improvement
        fields = [*RECORD_FIELDS, "contract", "source_kind", "source_label", "source_reference", "owner", "plan",
                  "due_date", "measure", "measure_priority", "measure_category", "target_value", "implemented_on",
                  "check_months", *COMPUTED, "raised_from", "raised_from_id"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", *COMPUTED)
        extra_kwargs = {"title": {"required": False}, "owner_department": {"required": False}}

    def validate(self, data):
        data = super().validate(data)
        label, pk = data.pop("raised_from", None), data.pop("raised_from_id", None)
        self._source = None
        if label or pk:
            if self.instance is not None:
                raise serializers.ValidationError({"raised_from": "The source is set when the improvement is "
                                                                  "raised."})
            self._source = sources.resolve(label, pk, self.context["request"].user)
            if self._source is None:
                raise serializers.ValidationError({"raised_from_id": "No such source record within your reach."})
        return data

    def save_instance(self, instance, before):
        user = self.context["request"].user
        if before is None:
            if not instance.owner_department_id:
                instance.owner_department = user.department
            source = getattr(self, "_source", None)
            if source is not None:
                for name, value in sources.prefill(source).items():
                    if name in ("measure", "measure_priority", "measure_category", "contract", "plan") \
                            and name not in self.initial_data:
                        setattr(instance, name, value)
            services.create(instance, user, source=source)
        else:
            with transaction.atomic():
                records.update(instance, user, before, expected_lock=self.context["request"].data.get("lock_version"))
                services.ensure_baseline(instance, user)


class CheckRequest(serializers.Serializer):
    """The effectiveness check: the reviewer's conclusion; the values before and after are computed."""

    effective = serializers.BooleanField()
    conclusion = serializers.CharField()


class ImprovementViewSet(ControlledRecordViewSet):
    """The improvement register (改进, SP-4.5.6)."""

    queryset = Improvement.objects.all()
    serializer_class = ImprovementSerializer
    filterset_class = ImprovementFilterSet
    select_related = ("owner_department", "author", "contract", "owner", "checked_by")

    @extend_schema(request=CheckRequest, responses=ImprovementSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        improvement = self.get_object()
        given = CheckRequest(data=request.data)
        given.is_valid(raise_exception=True)
        services.record_check(improvement, request.user, given.validated_data["effective"],
                              given.validated_data["conclusion"])
        improvement.refresh_from_db()
        return Response(self.get_serializer(improvement).data)


ROUTES = [("improvement/improvements", ImprovementViewSet)]
