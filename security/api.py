"""REST endpoints of information security incidents (SP-4.5.5): the incident (its solution tasks nested, written
through core.rows), `transition` (report, acknowledge, ...), `timeline`, and `mark-ticket` (mark a ticket as
information security by hand: opens its incident). Only the people an incident concerns see it (restrict_rows)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, RestrictedReadOnlyViewSet
from projects.api.base import inline_choice, nested_rows, row_serializer
from servicedata.models import Ticket

from . import services
from .choices import Severity
from .filtersets import IncidentTaskFilterSet, SecurityIncidentFilterSet
from .models import IncidentTask, SecurityIncident

TASK_FIELDS = ["description", "owner", "due", "done"]
READ_ONLY = ["tickets", "detection", "detection_display", "keyword", "detected_by", "reported_at", "acknowledged_at",
             "acknowledged_by", "escalation_level"]


class SecurityIncidentSerializer(ControlledRecordSerializer):
    severity = inline_choice(Severity.choices, required=False)
    detection_display = serializers.CharField(source="get_detection_display", read_only=True)
    tasks = nested_rows(IncidentTask, TASK_FIELDS)

    class Meta(ControlledRecordSerializer.Meta):
        model = SecurityIncident
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "contract",
                  "owner_department", "author", "customer", "confidentiality", "severity", "description", "members",
                  "project_manager", "solution", "verification", "verified_on", "verified_by", "tasks",
                  "change_note", "predecessor", "approved_at", "lock_version", "created", "updated", *READ_ONLY]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", *READ_ONLY)
        extra_kwargs = {"owner_department": {"required": False}}

    def create(self, validated_data):
        validated_data.setdefault("owner_department", self.context["request"].user.department)
        return super().create(validated_data)

    def validate(self, attrs):
        if self.instance is not None and "contract" in attrs and attrs["contract"] != self.instance.contract:
            raise serializers.ValidationError({"contract": "The contract of an incident does not change."})
        return attrs


IncidentTaskSerializer = row_serializer(IncidentTask, ["incident", *TASK_FIELDS, "created", "updated"])


class MarkTicketSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    severity = inline_choice(Severity.choices, required=False, default=Severity.MEDIUM)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


TimelineStep = inline_serializer("SecurityTimelineStep", many=True, fields={
    "at": serializers.DateTimeField(), "what": serializers.CharField(), "who": serializers.CharField(),
    "comment": serializers.CharField()})


class SecurityIncidentViewSet(ControlledRecordViewSet):
    """Information security incidents. Created as a draft and reported with `transition` `report` (or opened by
    `mark-ticket`, or by an import's rules, reported at once); `acknowledge` by the TSD director or whoever the
    escalation reached; then `draw_up`, `approve_solution`, `implement`, `verify`, `close`."""

    queryset = SecurityIncident.objects.all()
    serializer_class = SecurityIncidentSerializer
    filterset_class = SecurityIncidentFilterSet
    select_related = ("owner_department", "author", "contract")
    prefetch_related = ("tasks", "members", "tickets")

    @extend_schema(responses=TimelineStep)
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        return Response(services.timeline(self.get_object()))

    @extend_schema(request=MarkTicketSerializer, responses={201: SecurityIncidentSerializer,
                                                            200: SecurityIncidentSerializer})
    @action(detail=False, methods=["post"], url_path="mark-ticket")
    def mark_ticket(self, request):
        given = MarkTicketSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        ticket = Ticket.objects.restrict(request.user, "view").filter(pk=data["ticket"]).first()
        if ticket is None:
            raise NotFound()
        incident, created = services.mark_by_hand(ticket, request.user, severity=data["severity"],
                                                  description=data["description"])
        return Response(self.get_serializer(incident).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class IncidentTaskViewSet(RestrictedReadOnlyViewSet):
    """Solution tasks: written through their incident (`tasks`)."""

    queryset = IncidentTask.objects.all()
    serializer_class = IncidentTaskSerializer
    filterset_class = IncidentTaskFilterSet
    select_related = ("owner",)


ROUTES = [("security/incidents", SecurityIncidentViewSet), ("security/tasks", IncidentTaskViewSet)]

