"""REST API of the reporting stage: same matrix, services and workflows as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from contracts.models import Contract
from core.api import (
    ControlledRecordSerializer,
    ControlledRecordViewSet,
    RecordSerializer,
    RestrictedReadOnlyViewSet,
    ServiceViewSet,
)
from core.drf import MatrixPermission
from core.middleware import bind_actor
from core.permissions import allowed

from .choices import ActionStatus, AgreementDecision
from .filtersets import (
    ActionItemFilterSet,
    InternalServiceReportFilterSet,
    MeetingMinutesFilterSet,
    MonthlyServiceReportFilterSet,
    QualityMeetingFilterSet,
    ReportProfileFilterSet,
    SatisfactionResponseFilterSet,
)
from .models import (
    ActionItem,
    InternalServiceReport,
    MeetingAttendee,
    MeetingMinutes,
    MetricAnalysis,
    MonthlyServiceReport,
    ProfileAgreement,
    QualityMeeting,
    ReportProfile,
    SatisfactionResponse,
)
from .services import agreement, internal, meetings, monthly, satisfaction
from .views import XLSX

RECORD_FIELDS = ["id", "url", "number", "version", "title", "status", "status_display", "owner_department",
                 "author", "customer", "confidentiality", "change_note", "predecessor", "approved_at", "lock_version",
                 "created", "updated"]


def _errors(exc):
    """A service's refusal as the API's 400 body: messages by field name (`non_field_errors` for the record)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


class ReportProfileSerializer(ControlledRecordSerializer):
    class Meta(ControlledRecordSerializer.Meta):
        model = ReportProfile
        fields = [*RECORD_FIELDS, "contract", "report_period", "sections", "recipients", "language", "metrics",
                  "due_day"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer")


class ProfileAgreementSerializer(RecordSerializer):
    class Meta:
        model = ProfileAgreement
        fields = ["id", "profile", "version", "decision", "comment", "user", "name", "decided_at"]
        read_only_fields = fields


class AgreeRequestSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=AgreementDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True)


class AnalysisRowSerializer(RecordSerializer):
    """A missed target's analysis as a row of its report (matched by metric; rows follow the figures)."""

    class Meta:
        model = MetricAnalysis
        fields = ["id", "metric_key", "metric_label", "analysis", "improvement"]
        read_only_fields = ("id", "metric_label")


class MetricAnalysisSerializer(AnalysisRowSerializer):
    class Meta(AnalysisRowSerializer.Meta):
        fields = [*AnalysisRowSerializer.Meta.fields, "report", "created", "updated"]
        read_only_fields = ("report", "metric_key", "metric_label", "created", "updated")


class MonthlyServiceReportSerializer(ControlledRecordSerializer):
    analyses = AnalysisRowSerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = MonthlyServiceReport
        fields = [*RECORD_FIELDS, "contract", "year", "month", "summary", "snapshot", "generated_at", "generation",
                  "progress", "issued_at", "issued_to", "analyses"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", "snapshot",
                            "generated_at", "generation", "progress", "issued_at", "issued_to")

    def validate_analyses(self, value):
        try:
            monthly.check_analyses(self.instance, value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value


class InternalServiceReportSerializer(ControlledRecordSerializer):
    class Meta(ControlledRecordSerializer.Meta):
        model = InternalServiceReport
        fields = [*RECORD_FIELDS, "scope", "department", "year", "month", "conclusions", "snapshot", "generated_at"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "snapshot", "generated_at")


class AttendeeRowSerializer(RecordSerializer):
    class Meta:
        model = MeetingAttendee
        fields = ["id", "user", "present"]
        read_only_fields = ("id",)


class QualityMeetingSerializer(RecordSerializer):
    attendees = AttendeeRowSerializer(many=True, required=False)

    class Meta:
        model = QualityMeeting
        fields = ["id", "title", "year", "month", "start", "end", "location", "chair", "minute_taker",
                  "internal_report", "agenda", "invitation_sent_at", "organiser", "attendees", "created", "updated"]
        read_only_fields = ("invitation_sent_at", "organiser", "created", "updated")

    def save_instance(self, instance, before):
        if before is None:
            meetings.prepare_meeting(instance, self.context["request"].user)
        super().save_instance(instance, before)


class MeetingAttendeeSerializer(RecordSerializer):
    class Meta:
        model = MeetingAttendee
        fields = ["id", "meeting", "user", "present"]


class ActionRowSerializer(RecordSerializer):
    """An action of the minutes; `id` names an existing row to keep (a row left out is deleted)."""

    id = serializers.IntegerField(required=False, allow_null=True)
    # Read-only here (it changes through the action's `status` endpoint), so documented as text: one enum
    # component, the endpoint's, keeps the schema's enum names unambiguous.
    status = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "description", "owner", "due_date", "project", "status", "closed_at", "overdue"]
        read_only_fields = ("status", "closed_at")


class MeetingMinutesSerializer(ControlledRecordSerializer):
    actions = ActionRowSerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = MeetingMinutes
        fields = [*RECORD_FIELDS, "meeting", "discussion", "decisions", "distributed_at", "distributed_to",
                  "actions"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "distributed_at", "distributed_to")


class ActionItemSerializer(RecordSerializer):
    status = serializers.CharField(read_only=True)  # see ActionRowSerializer
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "minutes", "description", "owner", "due_date", "project", "status", "closed_at", "overdue",
                  "created", "updated"]
        read_only_fields = ("status", "closed_at", "created", "updated")


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)


class GenerateRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Why an approved or issued report is regenerated (its next version's "
                                             "change note); required then.")


class MayAgree(MatrixPermission):
    """Agreeing the report profile is the customer's answer (a ProfileAgreement): it needs that right and the
    profile in sight; reporting.services.agreement checks the rest."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        bind_actor(request, request.user)
        return allowed(request.user, ProfileAgreement, "add")


class ReportProfileViewSet(ControlledRecordViewSet):
    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)
    queryset = ReportProfile.objects.all()
    serializer_class = ReportProfileSerializer
    filterset_class = ReportProfileFilterSet
    select_related = ("contract",)

    @extend_schema(request=AgreeRequestSerializer, responses={201: ProfileAgreementSerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayAgree])
    def agree(self, request, pk=None):
        """The customer contact agrees the approved profile in force (`decision` "agreed"), or asks for changes
        ("changes", with a `comment`)."""
        profile = self.get_object()
        data = AgreeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answer = agreement.decide(profile, request.user, data.validated_data["decision"],
                                      data.validated_data.get("comment", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_errors(exc)) \
                from None
        return Response(ProfileAgreementSerializer(answer, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class MonthlyServiceReportViewSet(ControlledRecordViewSet):
    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)
    queryset = MonthlyServiceReport.objects.all()
    serializer_class = MonthlyServiceReportSerializer
    filterset_class = MonthlyServiceReportFilterSet
    select_related = ("contract",)
    prefetch_related = ("analyses",)

    @extend_schema(request=GenerateRequestSerializer, responses={202: MonthlyServiceReportSerializer})
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        """Queue (re)generation; an approved or issued report gets a new version (returned), with `reason` as its
        change note (required then)."""
        if not allowed(request.user, MonthlyServiceReport, "change"):
            raise PermissionDenied
        report = monthly.start_generation(self.get_object(), request.user, reason=request.data.get("reason", ""))
        return Response(self.get_serializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        from .exports import monthly_xlsx

        return HttpResponse(monthly_xlsx(self.get_object()), content_type=XLSX)


class MetricAnalysisViewSet(ServiceViewSet):
    queryset = MetricAnalysis.objects.all()
    serializer_class = MetricAnalysisSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]


class InternalServiceReportViewSet(ControlledRecordViewSet):
    queryset = InternalServiceReport.objects.all()
    serializer_class = InternalServiceReportSerializer
    filterset_class = InternalServiceReportFilterSet

    @extend_schema(request=None, responses=InternalServiceReportSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        if not allowed(request.user, InternalServiceReport, "change"):
            raise PermissionDenied
        report = internal.generate_internal(self.get_object(), request.user)
        return Response(self.get_serializer(report).data)


class QualityMeetingViewSet(ServiceViewSet):
    queryset = QualityMeeting.objects.all()
    serializer_class = QualityMeetingSerializer
    filterset_class = QualityMeetingFilterSet
    prefetch_related = ("attendees",)

    @extend_schema(responses={(200, "text/calendar"): str})
    @action(detail=True, methods=["get"])
    def ics(self, request, pk=None):
        return HttpResponse(meetings.meeting_ics(self.get_object()), content_type="text/calendar; charset=utf-8")

    @extend_schema(request=None, responses=inline_serializer("InvitationSent", {
        "recipients": serializers.ListField(child=serializers.EmailField())}))
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        if not allowed(request.user, QualityMeeting, "change"):
            raise PermissionDenied
        return Response({"recipients": meetings.send_invitation(self.get_object(), request.user)})


class MeetingAttendeeViewSet(ServiceViewSet):
    queryset = MeetingAttendee.objects.all()
    serializer_class = MeetingAttendeeSerializer


class MeetingMinutesViewSet(ControlledRecordViewSet):
    customer_facing = True  # a customer contact reads what is shared with them (core.scopes.share)
    queryset = MeetingMinutes.objects.all()
    serializer_class = MeetingMinutesSerializer
    filterset_class = MeetingMinutesFilterSet
    prefetch_related = ("actions",)


class ActionItemViewSet(ServiceViewSet):
    queryset = ActionItem.objects.all()
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilterSet

    @extend_schema(request=ActionStatusSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Close, cancel or reopen the action (its status changes only here)."""
        item = self.get_object()  # first: an action out of the caller's reach is not found, whatever was sent
        if not allowed(request.user, item, "change"):
            raise PermissionDenied
        data = ActionStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = meetings.set_action_status(item, data.validated_data["status"], request.user)
        return Response(self.get_serializer(item).data)


# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
class SatisfactionResponseSerializer(RecordSerializer):
    """A survey answer. A customer contact posts `report`, `score`, `comment` (their own answer); staff record an
    answer given on paper or by phone (`respondent_name` required; `occasion`, `contract`, `year`, `month` for an
    answer at acceptance). Written once through reporting.services.satisfaction, never changed."""

    points = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2999)
    month = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=12)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)

    class Meta:
        model = SatisfactionResponse
        fields = ["id", "contract", "occasion", "year", "month", "report", "score", "points", "comment",
                  "respondent", "respondent_name", "answered_at", "created"]
        read_only_fields = ("respondent", "answered_at", "created")
        extra_kwargs = {"respondent_name": {"required": False}}
        validators = []  # one answer per respondent and month: the service decides (and says so)

    def create(self, validated_data):
        user = self.context["request"].user
        data = validated_data
        try:
            if satisfaction.is_customer(user):
                if data.get("report") is None:
                    raise serializers.ValidationError({"report": ["Name the issued report you rate."]})
                return satisfaction.answer_report(data["report"], user, data["score"], data.get("comment", ""))
            return satisfaction.record(score=data["score"], occasion=data.get("occasion", "monthly_report"),
                                       report=data.get("report"), contract=data.get("contract"),
                                       comment=data.get("comment", ""), user=user,
                                       respondent_name=data.get("respondent_name", ""), year=data.get("year"),
                                       month=data.get("month"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_errors(exc)) \
                from None


class SatisfactionResponseViewSet(ServiceViewSet):
    """Survey answers: the customer posts theirs; staff read them (and record paper answers)."""

    customer_facing = True  # a customer contact answers and reads their own answers (core.scopes.share)
    queryset = SatisfactionResponse.objects.all()
    serializer_class = SatisfactionResponseSerializer
    filterset_class = SatisfactionResponseFilterSet
    select_related = ("contract",)
    http_method_names = ["get", "post", "head", "options"]


class ProfileAgreementViewSet(RestrictedReadOnlyViewSet):
    """The customer's answers on the report profiles (given through `reporting/profiles/{id}/agree/`)."""

    customer_facing = True  # a customer contact reads their organisation's answers (core.scopes.share)
    queryset = ProfileAgreement.objects.all()
    serializer_class = ProfileAgreementSerializer
    select_related = ("profile", "user")


ROUTES = [
    ("reporting/profiles", ReportProfileViewSet),
    ("reporting/monthly-reports", MonthlyServiceReportViewSet),
    ("reporting/metric-analyses", MetricAnalysisViewSet),
    ("reporting/internal-reports", InternalServiceReportViewSet),
    ("reporting/meetings", QualityMeetingViewSet),
    ("reporting/attendees", MeetingAttendeeViewSet),
    ("reporting/minutes", MeetingMinutesViewSet),
    ("reporting/actions", ActionItemViewSet),
    ("reporting/satisfaction", SatisfactionResponseViewSet),
    ("reporting/profile-agreements", ProfileAgreementViewSet),
]
