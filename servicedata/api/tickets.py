"""REST: tickets (list/filter/push), outages, maintenance windows, import jobs, SLA figures per contract and month."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contracts.models import Contract
from core.api import ReachableRelationsMixin, RecordSerializer, ServiceViewSet
from core.choices import RecordStatus, TaskState
from core.drf import bounded_int
from core.middleware import bind_actor
from core.permissions import allowed
from core.site_api import BackgroundJobSerializer
from core.tabular import guess_format

from .. import services, sla
from ..filtersets import ImportJobFilterSet, MaintenanceWindowFilterSet, OutageFilterSet, TicketFilterSet
from ..models import ImportJob, ImportProfile, MaintenanceWindow, Outage, Ticket, TicketPause

MAX_PUSH = 10_000


class PauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketPause
        fields = ["start", "end"]


class TicketSerializer(serializers.ModelSerializer):
    pauses = PauseSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "url", "contract", "customer", "service", "external_system", "external_id", "kind",
                  "priority", "status", "category", "summary", "configuration_item", "security", "created",
                  "first_response", "resolved", "closed", "pauses", "response_seconds", "resolution_seconds",
                  "response_breached", "resolution_breached", "response_due", "resolution_due", "response_met",
                  "resolution_met", "response_decided", "resolution_decided", "calendar_version", "sla_version",
                  "computed_at"]
        read_only_fields = fields


class ProfileChoiceMixin:
    """The profile an import is read with: an approved profile the caller may see, or a built-in profile's key."""

    def validate_profile(self, profile):
        user = self.context["request"].user
        if profile is not None and not ImportProfile.objects.restrict(user, "view") \
                .filter(pk=profile.pk, status=RecordStatus.APPROVED).exists():
            raise serializers.ValidationError(_("No such approved import profile."))
        return profile

    def validate_builtin_profile(self, key):
        from ..intake import builtin

        if key and key not in dict(builtin.choices()):
            raise serializers.ValidationError(_("No built-in profile “%(key)s”.") % {"key": key})
        return key


class PushSerializer(ProfileChoiceMixin, serializers.Serializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all())
    external_system = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                            help_text="Default: the profile's source name, else “api”.")
    time_zone = serializers.CharField(max_length=60, required=False, allow_blank=True)
    profile = serializers.PrimaryKeyRelatedField(
        queryset=ImportProfile.objects.filter(status=RecordStatus.APPROVED), required=False, allow_null=True,
        help_text="An approved import profile: the tickets are the service desk's own objects, read with it.")
    builtin_profile = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                            help_text="A built-in profile's key (docs/import.md), e.g. jira-rest.")
    tickets = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=MAX_PUSH,
                                    help_text="Ticket objects with the import column names (docs/import.md), or "
                                              "the service desk's own objects when a profile is given.")


PushResult = inline_serializer("TicketPushResult", {
    "total": serializers.IntegerField(), "created": serializers.IntegerField(),
    "updated": serializers.IntegerField(), "unchanged": serializers.IntegerField(),
    "error_count": serializers.IntegerField(), "errors": serializers.ListField(child=serializers.DictField()),
    "warning_count": serializers.IntegerField(), "warnings": serializers.ListField(child=serializers.DictField()),
    "ignored_columns": serializers.ListField(child=serializers.CharField()),
    "computed": serializers.IntegerField(), "excluded": serializers.IntegerField(),
    "repaired": serializers.IntegerField(), "quality": serializers.DictField(),
    "rejected": serializers.BooleanField(), "message": serializers.CharField(), "job": serializers.IntegerField()})


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tickets with their computed SLA clocks. POST pushes a batch through the same validation as a file import."""

    queryset = Ticket.objects.all()
    serializer_class = TicketSerializer
    filterset_class = TicketFilterSet
    ordering_fields = ["created", "priority", "resolved", "response_seconds", "resolution_seconds"]

    def get_queryset(self):
        return Ticket.objects.restrict(self.request.user, "view").select_related(None) \
            .prefetch_related("pauses").order_by("-created", "-pk")

    @extend_schema(request=PushSerializer, responses={200: PushResult, 400: PushResult})
    def create(self, request, *args, **kwargs):
        """Push tickets: all-or-nothing like a file, idempotent by (external_system, external_id)."""
        serializer = PushSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = services.push_tickets(data["contract"], request.user, data["tickets"],
                                    external_system=data.get("external_system"), time_zone=data.get("time_zone"),
                                    body=request.body, profile=data.get("profile"),
                                    builtin_profile=data.get("builtin_profile", ""))
        result = job.result
        return Response({**result.as_dict(), "job": job.pk},
                        status=status.HTTP_400_BAD_REQUEST if result.rejected else 200)


class IntervalSerializer(RecordSerializer):
    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end <= start:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        return attrs


class OutageSerializer(IntervalSerializer):
    class Meta:
        model = Outage
        fields = ["id", "contract", "service", "start", "end", "planned", "announced_at", "description", "created",
                  "updated"]
        read_only_fields = ["created", "updated"]


class MaintenanceWindowSerializer(IntervalSerializer):
    class Meta:
        model = MaintenanceWindow
        fields = ["id", "contract", "start", "end", "announced_at", "description", "created", "updated"]
        read_only_fields = ["created", "updated"]


class OutageViewSet(ServiceViewSet):
    queryset = Outage.objects.all()
    serializer_class = OutageSerializer
    filterset_class = OutageFilterSet


class MaintenanceWindowViewSet(ServiceViewSet):
    queryset = MaintenanceWindow.objects.all()
    serializer_class = MaintenanceWindowSerializer
    filterset_class = MaintenanceWindowFilterSet


class ImportJobSerializer(ProfileChoiceMixin, ReachableRelationsMixin, serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    format = serializers.ChoiceField(choices=ImportJob._meta.get_field("format").choices, required=False)
    worker_state = serializers.ChoiceField(
        choices=TaskState.choices, read_only=True, allow_blank=True,
        help_text="While the job is not finished: where its task stands with the background workers (lost: its "
                  "worker stopped and it is run again from the start; no_worker: no worker is running).")

    class Meta:
        model = ImportJob
        fields = ["id", "contract", "source", "file", "name", "format", "sha256", "size", "external_system",
                  "time_zone", "profile", "builtin_profile", "connector", "status", "progress", "total_rows",
                  "processed_rows", "created_count", "updated_count", "unchanged_count", "error_count",
                  "excluded_count", "repaired_count", "quality", "errors", "warnings", "message", "created_by",
                  "created", "started_at", "finished_at", "attempts", "worker_state"]
        read_only_fields = [f for f in fields if f not in {"contract", "file", "format", "external_system",
                                                            "time_zone", "profile", "builtin_profile"}]
        extra_kwargs = {"profile": {"help_text": "An approved import profile to read the file with."},
                        "builtin_profile": {"help_text": "Or a built-in profile's key (docs/import.md)."}}


    def validate(self, attrs):
        if not attrs.get("format"):
            attrs["format"] = guess_format(attrs["file"].name) if attrs.get("file") else None
            if not attrs["format"]:
                raise serializers.ValidationError({"format": _("Give the format: the file name does not tell it.")})
        return attrs


class ImportJobViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Upload a file (multipart) to import it in the background; poll the job for progress and errors."""

    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return ImportJob.objects.restrict(self.request.user, "view").select_related("contract", "created_by")

    @extend_schema(responses={202: ImportJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = services.import_file(data["contract"], request.user, data["file"], fmt=data["format"],
                                   external_system=data.get("external_system"), time_zone=data.get("time_zone"),
                                   profile=data.get("profile"), builtin_profile=data.get("builtin_profile", ""))
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class RecomputePermission(IsAuthenticated):
    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        bind_actor(request, request.user)
        return allowed(request.user, Ticket, "recompute")


MONTH = OpenApiParameter("month", str, description="YYYY-MM (default: the current month)")


class FigureSerializer(serializers.Serializer):
    priority = serializers.CharField(help_text="P1..P4; empty for overall")
    within = serializers.IntegerField()
    counted = serializers.IntegerField()
    breached = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    target_percent = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class PeriodMetricsSerializer(serializers.Serializer):
    """servicedata.sla.PeriodMetrics.as_dict() (documentation of the response)."""

    contract_id = serializers.IntegerField()
    service_id = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    as_of = serializers.DateTimeField()
    response = FigureSerializer(many=True)
    response_overall = FigureSerializer()
    resolution = FigureSerializer(many=True)
    resolution_overall = FigureSerializer()
    availability_percent = serializers.FloatField(allow_null=True)
    availability_target = serializers.FloatField(allow_null=True)
    availability_met = serializers.BooleanField(allow_null=True)
    agreed_seconds = serializers.IntegerField()
    downtime_seconds = serializers.IntegerField()
    excused_seconds = serializers.IntegerField()
    outages = serializers.IntegerField()
    outage_seconds = serializers.IntegerField()
    mttr_seconds = serializers.FloatField(allow_null=True)
    mtbf_seconds = serializers.FloatField(allow_null=True)
    volume = serializers.IntegerField()
    volume_by_priority = serializers.DictField(child=serializers.IntegerField())
    capacity_limit = serializers.IntegerField(allow_null=True)
    capacity_percent = serializers.FloatField(allow_null=True)
    over_capacity = serializers.BooleanField()
    all_met = serializers.BooleanField(allow_null=True)
    sla_version_id = serializers.IntegerField()
    calendar_version_id = serializers.IntegerField(allow_null=True)
    missing_holiday_years = serializers.ListField(child=serializers.IntegerField())
    pending = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


class TrendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    response_percent = serializers.FloatField(allow_null=True)
    resolution_percent = serializers.FloatField(allow_null=True)
    availability_percent = serializers.FloatField(allow_null=True)
    volume = serializers.IntegerField()


class RecomputeRequestSerializer(serializers.Serializer):
    since = serializers.DateField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True)


class SlaMetricsViewSet(viewsets.GenericViewSet):
    """SLA figures (sla.PeriodMetrics) per contract and month; `trend` gives the last 12 months."""

    queryset = Contract.objects.all()
    serializer_class = serializers.Serializer
    pagination_class = None  # one row per monitored contract, figured on request: answered whole, not paged
    filter_backends = ()

    def get_queryset(self):
        return Contract.objects.restrict(self.request.user, "view").select_related("customer", "service_tier")

    def _month(self, request, contract=None):
        try:
            return services.requested_month(request.query_params.get("month"), contract)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None

    def _service(self, request):
        service = bounded_int(request, "service", 1, 2**63 - 1, None)
        if service is None:
            return None
        from catalog.models import Service

        return get_object_or_404(Service.objects.all(), pk=service)

    @extend_schema(parameters=[MONTH], responses=inline_serializer("SlaMetricsList", {
        "contract": serializers.IntegerField(), "metrics": PeriodMetricsSerializer()}, many=True))
    def list(self, request):
        """This month's (or ?month=) figures for every contract the caller may see."""
        year, month = self._month(request)
        contracts = services.monitored_contracts(request.user)
        return Response([{"contract": c.pk, "metrics": sla.period_metrics(c, year, month).as_dict()}
                         for c in contracts])

    @extend_schema(parameters=[MONTH, OpenApiParameter("service", int)], responses=PeriodMetricsSerializer)
    def retrieve(self, request, pk=None):
        contract = self.get_object()
        year, month = self._month(request, contract)
        return Response(sla.period_metrics(contract, year, month, service=self._service(request)).as_dict())

    @extend_schema(parameters=[MONTH, OpenApiParameter("months", int)], responses=TrendPointSerializer(many=True))
    @action(detail=True, methods=["get"])
    def trend(self, request, pk=None):
        contract = self.get_object()
        year, month = self._month(request, contract)
        months = bounded_int(request, "months", 1, 36, 12)
        points = sla.monthly_trend(contract, year, month, months, service=self._service(request))
        return Response([{"month": p.label, "response_percent": p.response_percent,
                          "resolution_percent": p.resolution_percent,
                          "availability_percent": p.availability_percent, "volume": p.volume} for p in points])

    @extend_schema(request=RecomputeRequestSerializer, responses={202: BackgroundJobSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RecomputePermission])
    def recompute(self, request, pk=None):
        """Re-measure the contract's tickets in the background: answers 202 with the job (poll /api/core/jobs/{id}/;
        its `message` gives the counts when it is done)."""
        from ..tasks import start_recompute

        contract = self.get_object()
        data = RecomputeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = start_recompute(contract, request.user, since=data.validated_data.get("since"),
                              comment=data.validated_data.get("comment", ""),
                              link=reverse("servicedata:sla_dashboard", args=[contract.pk]))
        return Response(BackgroundJobSerializer(job, context={"request": request}).data,
                        status=status.HTTP_202_ACCEPTED)


# Registered by api/urls.py under /api/.
ROUTES = [
    ("servicedata/sla", SlaMetricsViewSet, "sla-metrics"),
    ("servicedata/tickets", TicketViewSet),
    ("servicedata/outages", OutageViewSet),
    ("servicedata/maintenance-windows", MaintenanceWindowViewSet),
    ("servicedata/import-jobs", ImportJobViewSet),
]
