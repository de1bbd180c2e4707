"""REST endpoints of the supplier register (SP-2.6): suppliers (with their qualification), contacts, certificates,
delivery performance (read-only: written when procurement accepts a delivery), evaluations with their criteria
(`scores`: an evaluator's own scores, blind until all have scored), scores (read-only, blind alike), qualified
supplier lists with their entries (`fill`: from the approved evaluations)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import (
    ControlledRecordSerializer,
    ControlledRecordViewSet,
    RecordSerializer,
    RestrictedReadOnlyViewSet,
    ServiceViewSet,
)
from core.permissions import allowed

from . import services
from .choices import CriterionKind
from .filtersets import (
    CertificateFilterSet,
    EvaluationCriterionFilterSet,
    PerformanceFilterSet,
    QualifiedEntryFilterSet,
    QualifiedListFilterSet,
    ScoreFilterSet,
    SupplierContactFilterSet,
    SupplierEvaluationFilterSet,
    SupplierFilterSet,
)
from .models import (
    Certificate,
    EvaluationCriterion,
    Performance,
    QualifiedEntry,
    QualifiedList,
    Score,
    Supplier,
    SupplierContact,
    SupplierEvaluation,
)

RECORD_FIELDS = ["id", "url", "number", "version", "title", "status", "status_display", "owner_department", "author",
                 "confidentiality", "change_note", "predecessor", "approved_at", "lock_version", "created", "updated"]


def inline_choice(choices, **kwargs):
    """A choice field typed inline in the schema (no enum component clashing with another app's)."""
    values = ", ".join(value for value, _label in choices)
    field_class = extend_schema_field({"type": "string", "description": f"One of: {values}."})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class QualificationSerializer(serializers.Serializer):
    qualified = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    until = serializers.DateField(allow_null=True)


# ---- suppliers ------------------------------------------------------------------------------------------------

class SupplierSerializer(RecordSerializer):
    qualification = serializers.SerializerMethodField()

    class Meta:
        model = Supplier
        fields = ["id", "code", "name", "name_en", "category", "credit_code", "address", "active", "notes",
                  "qualification", "created", "updated"]

    @extend_schema_field(QualificationSerializer)
    def get_qualification(self, obj):
        found = self.context.get("qualifications", {}).get(obj.pk) or services.qualification(obj)
        return QualificationSerializer(found).data


class SupplierViewSet(ServiceViewSet):
    """Suppliers; `qualification` says whether each may be chosen today and why not."""

    queryset = Supplier.objects.all()
    serializer_class = SupplierSerializer
    filterset_class = SupplierFilterSet

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:  # the page's qualifications in a fixed number of queries
            self._qualifications = services.qualifications(page)
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "qualifications": getattr(self, "_qualifications", {})}


class SupplierContactSerializer(RecordSerializer):
    class Meta:
        model = SupplierContact
        fields = ["id", "supplier", "name", "job_title", "phone", "email", "primary", "created", "updated"]


class SupplierContactViewSet(ServiceViewSet):
    queryset = SupplierContact.objects.all()
    serializer_class = SupplierContactSerializer
    filterset_class = SupplierContactFilterSet
    select_related = ("supplier",)


class CertificateSerializer(RecordSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "supplier", "name", "reference", "issuer", "valid_from", "valid_until", "created", "updated"]


class CertificateViewSet(ServiceViewSet):
    queryset = Certificate.objects.all()
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    select_related = ("supplier",)


class PerformanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Performance
        fields = ["id", "supplier", "delivered_on", "due_on", "on_time", "quantity", "defects", "source_label",
                  "source_url", "note", "recorded_by", "created"]


class PerformanceViewSet(RestrictedReadOnlyViewSet):
    """How each accepted delivery went (written by procurement through suppliers.services.record_performance)."""

    queryset = Performance.objects.all()
    serializer_class = PerformanceSerializer
    filterset_class = PerformanceFilterSet


# ---- evaluations ----------------------------------------------------------------------------------------------

class NestedCriterionSerializer(RecordSerializer):
    id = serializers.IntegerField(required=False)
    criterion = inline_choice(CriterionKind.choices)

    class Meta:
        model = EvaluationCriterion
        fields = ["id", "criterion", "description", "weight"]


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["id", "evaluation", "criterion", "evaluator", "score", "note", "updated"]


class GivenScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScoringProgressSerializer(serializers.Serializer):
    evaluator = serializers.IntegerField()
    scored = serializers.IntegerField()
    criteria = serializers.IntegerField()


class SupplierEvaluationSerializer(ControlledRecordSerializer):
    criteria = NestedCriterionSerializer(many=True, required=False)
    scores = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    computed_result = serializers.SerializerMethodField()
    delivery_performance = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = SupplierEvaluation
        fields = [*RECORD_FIELDS, "supplier", "period_from", "period_to", "valid_until", "pass_mark", "evaluators",
                  "conclusion", "result", "qualified", "performance_taken_at", "criteria", "scores", "progress",
                  "computed_result", "delivery_performance"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "result", "qualified",
                            "performance_taken_at")
        extra_kwargs = {"owner_department": {"required": False}, "title": {"required": False}}

    def validate_criteria(self, rows):
        problem = services.weights_message([row.get("weight") or 0 for row in rows])
        if problem:
            raise serializers.ValidationError(problem)
        return rows

    def create(self, validated_data):
        validated_data.setdefault("owner_department", self.context["request"].user.department)
        validated_data.setdefault("title", "")
        return super().create(validated_data)

    def save_instance(self, instance, before):
        super().save_instance(instance, before)
        if before is None and "criteria" not in self.initial_data:
            services.add_default_criteria(instance, self.context["request"].user)

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, obj):
        """Blind: the caller's own scores until every evaluator has scored every criterion, then all."""
        request = self.context.get("request")
        visible = services.visible_scores(obj, getattr(request, "user", None))
        return ScoreSerializer(sorted(visible.values(), key=lambda s: (s.criterion_id, s.evaluator_id)),
                               many=True).data

    @extend_schema_field(ScoringProgressSerializer(many=True))
    def get_progress(self, obj):
        return [{"evaluator": e.pk, "scored": done, "criteria": total} for e, done, total in services.progress(obj)]

    def get_computed_result(self, obj) -> str | None:
        """The weighted result (0–100) once every evaluator has scored, else null."""
        result, _qualified = services.outcome(obj)
        return None if result is None else str(result)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_delivery_performance(self, obj):
        """The supplier's deliveries in the period: frozen on submission, else as recorded so far."""
        return services.evaluation_performance(obj)


class SupplierEvaluationViewSet(ControlledRecordViewSet):
    """Supplier evaluations: draft → scoring (`start_scoring`) → in review (`submit`, once every evaluator has
    scored) → approved by Commerce. `POST .../{id}/scores/` gives the caller's own scores."""

    queryset = SupplierEvaluation.objects.all()
    serializer_class = SupplierEvaluationSerializer
    filterset_class = SupplierEvaluationFilterSet
    select_related = ("owner_department", "author", "supplier")
    prefetch_related = ("criteria", "evaluators")

    def check_permissions(self, request):
        if self.action == "give_scores":  # any evaluator named on it: the service checks who
            if not request.user.is_authenticated or not allowed(request.user, SupplierEvaluation, "view"):
                self.permission_denied(request)
            from core.middleware import bind_actor

            bind_actor(request, request.user)
            return
        super().check_permissions(request)

    @extend_schema(request=GivenScoreSerializer(many=True), responses={200: ScoreSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="scores", url_name="scores")
    def give_scores(self, request, pk=None):
        evaluation = self.get_object()
        given = GivenScoreSerializer(data=request.data, many=True)
        given.is_valid(raise_exception=True)
        if not allowed(request.user, Score, "add"):
            raise PermissionDenied
        rows = services.give_scores(evaluation, request.user, given.validated_data)
        return Response(ScoreSerializer(rows, many=True).data, status=status.HTTP_200_OK)


class EvaluationCriterionSerializer(RecordSerializer):
    criterion = inline_choice(CriterionKind.choices)

    class Meta:
        model = EvaluationCriterion
        fields = ["id", "evaluation", "criterion", "description", "weight", "created", "updated"]


class EvaluationCriterionViewSet(ServiceViewSet):
    queryset = EvaluationCriterion.objects.all()
    serializer_class = EvaluationCriterionSerializer
    filterset_class = EvaluationCriterionFilterSet
    select_related = ("evaluation",)


class ScoreViewSet(RestrictedReadOnlyViewSet):
    """Scores, blind: until every evaluator of an evaluation has scored, each reads only their own."""

    queryset = Score.objects.all()
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilterSet


# ---- the qualified supplier list ------------------------------------------------------------------------------

class NestedEntrySerializer(RecordSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = QualifiedEntry
        fields = ["id", "supplier", "scope", "valid_until"]


class QualifiedListSerializer(ControlledRecordSerializer):
    entries = NestedEntrySerializer(many=True, required=False)

    class Meta(ControlledRecordSerializer.Meta):
        model = QualifiedList
        fields = [*RECORD_FIELDS, "review_due", "entries"]
        extra_kwargs = {"owner_department": {"required": False}}

    def create(self, validated_data):
        validated_data.setdefault("owner_department", self.context["request"].user.department)
        return super().create(validated_data)


FilledSerializer = type("QualifiedListFillResult", (serializers.Serializer,), {
    "added": serializers.ListField(child=serializers.IntegerField()),
    "updated": serializers.ListField(child=serializers.IntegerField()),
    "removed": serializers.ListField(child=serializers.IntegerField()),
    "message": serializers.CharField()})


class QualifiedListViewSet(ControlledRecordViewSet):
    """Qualified supplier lists 合格供方名录: the approved version in force is the one procurement checks.
    `POST .../{id}/fill/` fills a draft from the approved evaluations."""

    queryset = QualifiedList.objects.all()
    serializer_class = QualifiedListSerializer
    filterset_class = QualifiedListFilterSet
    select_related = ("owner_department", "author")
    prefetch_related = ("entries",)

    @extend_schema(request=None, responses={200: FilledSerializer})
    @action(detail=True, methods=["post"])
    def fill(self, request, pk=None):
        qualified_list = self.get_object()
        if not allowed(request.user, qualified_list, "change"):
            raise PermissionDenied
        filled = services.fill_from_evaluations(qualified_list, request.user)
        return Response({"added": [s.pk for s in filled.added], "updated": [s.pk for s in filled.updated],
                         "removed": [s.pk for s in filled.removed], "message": filled.summary()})


class QualifiedEntrySerializer(RecordSerializer):
    class Meta:
        model = QualifiedEntry
        fields = ["id", "qualified_list", "supplier", "scope", "valid_until", "created", "updated"]


class QualifiedEntryViewSet(ServiceViewSet):
    queryset = QualifiedEntry.objects.all()
    serializer_class = QualifiedEntrySerializer
    filterset_class = QualifiedEntryFilterSet
    select_related = ("qualified_list", "supplier")


# Registered by api/urls.py under /api/ (rows before "suppliers", so their paths are not read as a supplier's id).
ROUTES = [
    ("suppliers/contacts", SupplierContactViewSet),
    ("suppliers/certificates", CertificateViewSet),
    ("suppliers/performance", PerformanceViewSet),
    ("suppliers/evaluations", SupplierEvaluationViewSet),
    ("suppliers/evaluation-criteria", EvaluationCriterionViewSet),
    ("suppliers/scores", ScoreViewSet),
    ("suppliers/qualified-lists", QualifiedListViewSet),
    ("suppliers/qualified-entries", QualifiedEntryViewSet),
    ("suppliers", SupplierViewSet),
]
