"""REST endpoints of the catalogue and calendars (registered in api/urls.py under catalog/...)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _t
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    ClockTimeField,
    ControlledRecordSerializer,
    ControlledRecordViewSet,
    RecordSerializer,
    RestrictedReadOnlyViewSet,
    ServiceViewSet,
)
from core.drf import bounded_int
from core.permissions import allowed

from . import announcements, calendars
from .choices import Weekday
from .filtersets import (
    CalendarDayFilterSet,
    CalendarFilterSet,
    ServiceFamilyFilterSet,
    ServiceFilterSet,
    ServiceTierFilterSet,
)
from .models import (
    Calendar,
    CalendarDay,
    CalendarVersion,
    PriorityTarget,
    Service,
    ServiceFamily,
    ServiceTier,
    SkillRequirement,
    WorkingHours,
)
from .services import check_supporting_services

# ---- catalogue ------------------------------------------------------------------------------

class ServiceFamilySerializer(RecordSerializer):
    class Meta:
        model = ServiceFamily
        fields = ["id", "code", "name", "description", "created", "updated"]


class ServiceFamilyViewSet(ServiceViewSet):
    queryset = ServiceFamily.objects.all()
    serializer_class = ServiceFamilySerializer
    filterset_class = ServiceFamilyFilterSet


class ServiceSerializer(RecordSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    supporting_services = serializers.PrimaryKeyRelatedField(many=True, queryset=Service.objects.all(),
                                                             required=False)

    class Meta:
        model = Service
        fields = ["id", "family", "code", "name", "description", "owner", "status", "status_display",
                  "supporting_services", "created", "updated"]

    def validate_supporting_services(self, services):
        check_supporting_services(self.instance, services)
        return services


class CatalogServiceViewSet(ServiceViewSet):
    queryset = Service.objects.all()
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet
    select_related = ("family", "owner")
    prefetch_related = ("supporting_services",)


class PriorityTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityTarget
        fields = ["priority", "response_minutes", "resolution_minutes", "target_percent"]


class SkillRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = SkillRequirement
        fields = ["skill", "level", "headcount"]


class ServiceTierSerializer(ControlledRecordSerializer):
    priority_targets = PriorityTargetSerializer(many=True, required=False,
                                                help_text="Business minutes in the service window; P1-P4.")
    skills = SkillRequirementSerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = ServiceTier
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "service", "name",
                  "owner_department", "author", "confidentiality", "retention_years", "description",
                  "service_window", "availability_target", "rto_minutes", "rpo_minutes", "max_tickets_per_month",
                  "max_users", "max_devices", "change_note", "predecessor", "approved_at", "lock_version",
                  "created", "updated", "priority_targets", "skills"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "title")


class ServiceTierViewSet(ControlledRecordViewSet):
    """SLA templates. Rows are sent as whole lists (`priority_targets`, `skills`) and written only while the tier
    is a draft or returned; an approved tier is revised with `new-version`."""

    queryset = ServiceTier.objects.all()
    serializer_class = ServiceTierSerializer
    filterset_class = ServiceTierFilterSet
    select_related = ("service", "service_window", "owner_department", "author")
    prefetch_related = ("priority_targets", "skills")


# ---- calendars ------------------------------------------------------------------------------

class WorkingHoursSerializer(serializers.ModelSerializer):
    start = ClockTimeField()
    end = ClockTimeField(help_text="00:00 means midnight at the end of the day; an end before the start (22:00–06:00) "
                                   "is an overnight shift running into the next morning.")

    class Meta:
        model = WorkingHours
        fields = ["weekday", "start", "end"]


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 6,
                      "description": "Weekday whose hours an adjusted workday uses: 0 = Monday .. 6 = Sunday."})
class AdjustedWorkdayHoursField(serializers.ChoiceField):
    """Same choices as WorkingHours.weekday; typed here so the schema has one Weekday enum, not two names."""


class CalendarSerializer(RecordSerializer):
    working_hours = WorkingHoursSerializer(many=True, required=False)
    adjusted_workday_hours_from = AdjustedWorkdayHoursField(choices=Weekday.choices, required=False)
    holiday_years = serializers.ListField(child=serializers.IntegerField(min_value=1900, max_value=2200),
                                          required=False)
    current_version = serializers.SerializerMethodField()
    missing_years = serializers.SerializerMethodField(help_text="Years (this and next) with no holiday data.")

    class Meta:
        model = Calendar
        fields = ["id", "name", "description", "time_zone", "always_open", "closed_on_holidays",
                  "adjusted_workday_hours_from", "holiday_source", "holiday_years", "working_hours", "current_version",
                  "missing_years", "created", "updated"]

    def validate_working_hours(self, rows):
        calendars.check_shifts(rows)
        return rows

    def create(self, validated_data):
        with transaction.atomic():
            return self._freeze(super().create(validated_data))

    def update(self, instance, validated_data):
        with transaction.atomic():
            return self._freeze(super().update(instance, validated_data))

    def _freeze(self, calendar):
        """Every effective write through the API is a new frozen calendar version."""
        version = calendars.record_version(calendar, self.context["request"].user, _t("Changed through the API."))
        calendar.latest_version_number = version.number
        return calendar

    def get_current_version(self, obj) -> int | None:
        if hasattr(obj, "latest_version_number"):
            return obj.latest_version_number
        return obj.versions.aggregate(n=Max("number"))["n"]

    def get_missing_years(self, obj) -> list[int]:
        year = timezone.localdate().year
        return obj.missing_years([year, year + 1])


class CalendarVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarVersion
        fields = ["number", "digest", "created", "created_by", "comment"]


class CalendarDaySerializer(RecordSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "calendar", "date", "kind", "name", "hours", "source", "created", "updated"]
        read_only_fields = ["source"]

    def save_instance(self, instance, before):
        calendars.save_day(instance, self.context["request"].user, before)


class SeedRequestSerializer(serializers.Serializer):
    years = serializers.CharField(required=False, allow_blank=True, default="", help_text="e.g. 2024-2027.")

    def validate_years(self, text):
        try:
            years = calendars.parse_years(text)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if not years:
            raise serializers.ValidationError(_t("Give the years to seed, e.g. 2024-2027."))
        return years


class AnnouncementRequestSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The text of 国务院办公厅关于20XX年部分节假日安排的通知.")
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2200,
                                    help_text="Default: read from the title.")
    preview = serializers.BooleanField(required=False, default=False,
                                       help_text="true: only say what would be written.")

    def validate(self, data):
        try:
            data["announcement"] = announcements.parse(data["text"], data.get("year"))
        except ValidationError as exc:
            raise serializers.ValidationError({"text": exc.messages}) from None
        return data


class CalendarViewSet(ServiceViewSet):
    """Business calendars. Every effective write records a new frozen calendar version."""

    queryset = Calendar.objects.all()
    serializer_class = CalendarSerializer
    filterset_class = CalendarFilterSet

    prefetch_related = ("working_hours",)

    def get_queryset(self):
        return super().get_queryset().annotate(latest_version_number=Max("versions__number"))

    @extend_schema(responses=CalendarVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        versions = self.get_object().versions.all()
        return Response(CalendarVersionSerializer(versions, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("version", OpenApiTypes.INT, description="Default: current.")],
                   responses=inline_serializer("FrozenCalendar", {
                       "number": serializers.IntegerField(), "digest": serializers.CharField(),
                       "data": serializers.JSONField(), "missing_years": serializers.ListField(
                           child=serializers.IntegerField())}))
    @action(detail=True, methods=["get"])
    def spec(self, request, pk=None):
        """The frozen hours and days of one calendar version, as the SLA engine reads them."""
        calendar = self.get_object()
        wanted = request.query_params.get("version")
        try:
            version = calendars.version_of(calendar, int(wanted) if wanted else None)
        except (ValueError, CalendarVersion.DoesNotExist):
            raise ValidationError({"version": _t("No such version of this calendar.")}) from None
        years = sorted({int(d[:4]) for d in version.data["holidays"] + version.data["adjusted_workdays"]})
        return Response({"number": version.number, "digest": version.digest, "data": version.data,
                         "missing_years": version.missing_years(years + [timezone.localdate().year])})

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT)],
                   responses=CalendarDaySerializer(many=True))
    @action(detail=True, methods=["get"])
    def days(self, request, pk=None):
        days = self.get_object().days.all()
        if (year := bounded_int(request, "year", 1, 9999, None)) is not None:
            days = days.filter(date__year=year)
        return Response(CalendarDaySerializer(days, many=True).data)

    @extend_schema(request=SeedRequestSerializer,
                   responses=inline_serializer("SeedResult", {
                       "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
                       "removed": serializers.IntegerField(), "kept_manual": serializers.IntegerField(),
                       "seeded_years": serializers.ListField(child=serializers.IntegerField()),
                       "missing_years": serializers.ListField(child=serializers.IntegerField()),
                       "version": serializers.IntegerField(), "message": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def seed(self, request, pk=None):
        """Seed China's holidays and adjusted workdays (调休) for `years`, e.g. "2024-2027"."""
        calendar = self.get_object()
        if not allowed(request.user, Calendar, "change"):
            raise PermissionDenied(_t("Your role may not change calendars."))
        wanted = SeedRequestSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        result = calendars.seed_china_holidays(calendar, wanted.validated_data["years"], request.user)
        return Response({"created": result.created, "updated": result.updated, "removed": result.removed,
                         "kept_manual": result.kept_manual, "seeded_years": result.seeded_years,
                         "missing_years": result.missing_years, "version": result.version.number,
                         "message": result.summary()})


    @extend_schema(request=AnnouncementRequestSerializer,
                   responses=inline_serializer("AnnouncementResult", {
                       "year": serializers.IntegerField(),
                       "steps": inline_serializer("AnnouncementStep", {
                           "date": serializers.DateField(), "action": serializers.CharField(),
                           "kind": serializers.CharField(), "name": serializers.CharField()}, many=True),
                       "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
                       "removed": serializers.IntegerField(), "kept_manual": serializers.IntegerField(),
                       "version": serializers.IntegerField(allow_null=True), "message": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def announcement(self, request, pk=None):
        """Import the State Council's holiday announcement for a year (e.g. one the package lacks): its holidays
        and adjusted workdays are written, the year marked as covered; `preview`: only list the steps."""
        calendar = self.get_object()
        if not allowed(request.user, Calendar, "change"):
            raise PermissionDenied(_t("Your role may not change calendars."))
        wanted = AnnouncementRequestSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        parsed = wanted.validated_data["announcement"]
        steps = [{"date": step.date, "action": step.action,
                  "kind": (step.day.kind if step.day else step.row.kind),
                  "name": (step.day.name if step.day else step.row.name)}
                 for step in announcements.plan(calendar, parsed)]
        body = {"year": parsed.year, "steps": steps, "created": 0, "updated": 0, "removed": 0, "kept_manual": 0,
                "version": None, "message": ""}
        if not wanted.validated_data["preview"]:
            try:
                result = announcements.apply(calendar, parsed, request.user)
            except ValidationError as exc:
                raise ValidationError({"calendar": exc.messages}) from None
            body.update(created=result.created, updated=result.updated, removed=result.removed,
                        kept_manual=result.kept_manual, version=result.version.number, message=result.summary())
        return Response(body)


class CalendarDayViewSet(ServiceViewSet):
    """Holidays and adjusted workdays; a write marks the day manual and records a calendar version."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilterSet
    select_related = ("calendar",)
    delete_service = staticmethod(calendars.delete_day)


# ---- rows, read one by one (written only as nested lists through their tier or calendar above) ---------

class PriorityTargetRowSerializer(PriorityTargetSerializer):
    class Meta(PriorityTargetSerializer.Meta):
        fields = ["id", "tier", *PriorityTargetSerializer.Meta.fields]


class PriorityTargetViewSet(RestrictedReadOnlyViewSet):
    """Targets of every tier version; filter with ?tier=ID. Written through catalog/tiers."""

    queryset = PriorityTarget.objects.all()
    serializer_class = PriorityTargetRowSerializer
    filterset_fields = ["tier", "priority"]


class SkillRequirementRowSerializer(SkillRequirementSerializer):
    class Meta(SkillRequirementSerializer.Meta):
        fields = ["id", "tier", *SkillRequirementSerializer.Meta.fields]


class SkillRequirementViewSet(RestrictedReadOnlyViewSet):
    """Skill requirements of every tier version; filter with ?tier=ID. Written through catalog/tiers."""

    queryset = SkillRequirement.objects.all()
    serializer_class = SkillRequirementRowSerializer
    filterset_fields = ["tier", "level"]


class WorkingHoursRowSerializer(WorkingHoursSerializer):
    class Meta(WorkingHoursSerializer.Meta):
        fields = ["id", "calendar", *WorkingHoursSerializer.Meta.fields]


class WorkingHoursViewSet(RestrictedReadOnlyViewSet):
    """Shifts of every calendar; filter with ?calendar=ID. Written through catalog/calendars."""

    queryset = WorkingHours.objects.all()
    serializer_class = WorkingHoursRowSerializer
    filterset_fields = ["calendar", "weekday"]


class CalendarVersionRowSerializer(CalendarVersionSerializer):
    class Meta(CalendarVersionSerializer.Meta):
        fields = ["id", "calendar", *CalendarVersionSerializer.Meta.fields, "data"]


class CalendarVersionViewSet(RestrictedReadOnlyViewSet):
    """Frozen calendar versions (id = what a measurement stores); filter with ?calendar=ID."""

    queryset = CalendarVersion.objects.all()
    serializer_class = CalendarVersionRowSerializer
    filterset_fields = ["calendar", "number"]


# Registered by api/urls.py under /api/.
ROUTES = [
    ("catalog/families", ServiceFamilyViewSet),
    ("catalog/services", CatalogServiceViewSet),
    ("catalog/tiers", ServiceTierViewSet),
    ("catalog/calendars", CalendarViewSet),
    ("catalog/calendar-days", CalendarDayViewSet),
    ("catalog/calendar-versions", CalendarVersionViewSet),
    ("catalog/priority-targets", PriorityTargetViewSet),
    ("catalog/skills", SkillRequirementViewSet),
    ("catalog/working-hours", WorkingHoursViewSet),
]
