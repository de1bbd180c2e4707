"""REST: import profiles (a controlled record with its columns, values and data-quality rules) and the quality
findings of imports (read-only, filtered by job, contract, rule and action)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api import ControlledRecordSerializer, ControlledRecordViewSet, RestrictedReadOnlyViewSet

from ..filtersets import ImportProfileFilterSet, QualityFindingFilterSet
from ..intake import profiles
from ..models import ImportProfile, ProfileColumn, ProfileRule, ProfileValue, QualityFinding


class ProfileColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileColumn
        fields = ["field", "column", "default"]


class ProfileValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileValue
        fields = ["field", "value", "code"]


class ProfileRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileRule
        fields = ["anomaly", "action"]


class ImportProfileSerializer(ControlledRecordSerializer):
    columns = ProfileColumnSerializer(many=True, required=False)
    values = ProfileValueSerializer(many=True, required=False)
    rules = ProfileRuleSerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = ImportProfile
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "contract", "customer",
                  "tool", "based_on", "format", "encoding", "records_path", "external_system", "time_zone",
                  "date_formats", "first_response_statuses", "pause_statuses", "columns", "values", "rules",
                  "owner_department", "author", "confidentiality", "retention_years", "change_note", "predecessor",
                  "approved_at", "lock_version", "created", "updated"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer")

    def validate(self, attrs):
        """The rows as they will be (given lists replace the stored ones) must hold the fields and rules an import
        needs; the messages name the row."""
        attrs = super().validate(attrs)
        if "columns" in attrs or "rules" in attrs or self.instance is None:
            columns = attrs.get("columns")
            rules = attrs.get("rules")
            if self.instance is not None:
                columns = columns if columns is not None else list(self.instance.columns.values("field", "column",
                                                                                                 "default"))
                rules = rules if rules is not None else list(self.instance.rules.values("anomaly", "action"))
            try:
                profiles.check(self.instance, columns or [], rules or [])
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from None
        for name in ("date_formats", "first_response_statuses", "pause_statuses"):
            value = attrs.get(name)
            if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
                raise serializers.ValidationError({name: ["A list of texts."]})
        return attrs


class ImportProfileViewSet(ControlledRecordViewSet):
    queryset = ImportProfile.objects.all()
    serializer_class = ImportProfileSerializer
    filterset_class = ImportProfileFilterSet
    select_related = ("contract",)
    prefetch_related = ("columns", "values", "rules")


# ---- a profile's rows across profiles: read here, written only through their profile above ----------------

class ProfileColumnRowSerializer(ProfileColumnSerializer):
    class Meta(ProfileColumnSerializer.Meta):
        fields = ["id", "profile", *ProfileColumnSerializer.Meta.fields]


class ProfileValueRowSerializer(ProfileValueSerializer):
    class Meta(ProfileValueSerializer.Meta):
        fields = ["id", "profile", *ProfileValueSerializer.Meta.fields]


class ProfileRuleRowSerializer(ProfileRuleSerializer):
    class Meta(ProfileRuleSerializer.Meta):
        fields = ["id", "profile", *ProfileRuleSerializer.Meta.fields]


class ProfileColumnViewSet(RestrictedReadOnlyViewSet):
    queryset = ProfileColumn.objects.all()
    serializer_class = ProfileColumnRowSerializer
    filterset_fields = ["profile", "field"]


class ProfileValueViewSet(RestrictedReadOnlyViewSet):
    queryset = ProfileValue.objects.all()
    serializer_class = ProfileValueRowSerializer
    filterset_fields = ["profile", "field"]


class ProfileRuleViewSet(RestrictedReadOnlyViewSet):
    queryset = ProfileRule.objects.all()
    serializer_class = ProfileRuleRowSerializer
    filterset_fields = ["profile", "anomaly", "action"]


# ---- quality findings ---------------------------------------------------------------------------------------

class QualityFindingSerializer(serializers.ModelSerializer):
    anomaly_display = serializers.CharField(source="get_anomaly_display", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    outcome_text = serializers.SerializerMethodField()

    class Meta:
        model = QualityFinding
        fields = ["id", "job", "contract", "row", "external_system", "external_id", "anomaly", "anomaly_display",
                  "action", "action_display", "field", "original", "outcome_text", "ticket_created", "current"]
        read_only_fields = fields

    def get_outcome_text(self, obj) -> str:
        from ..tables import outcome_text

        return outcome_text(obj)


class QualityFindingViewSet(RestrictedReadOnlyViewSet):
    """The rows data-quality rules excluded, repaired or kept in imports (the quality reports), by job, contract,
    rule and action."""

    queryset = QualityFinding.objects.all()
    serializer_class = QualityFindingSerializer
    filterset_class = QualityFindingFilterSet


ROUTES = [
    ("servicedata/import-profiles", ImportProfileViewSet),
    ("servicedata/import-profile-columns", ProfileColumnViewSet),
    ("servicedata/import-profile-values", ProfileValueViewSet),
    ("servicedata/import-profile-rules", ProfileRuleViewSet),
    ("servicedata/quality-findings", QualityFindingViewSet),
]
