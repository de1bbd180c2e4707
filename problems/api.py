"""REST endpoints of problem management (SP-4.5.4): problems with their causes and tasks (written through the
services), transitions (ControlledRecordViewSet), the candidates from the service data and "open problem" from a
candidate; causes read-only (written through their problem), tasks writable (the team records them done)."""

from django.utils.translation import gettext as _t
from drf_spectacular.utils import extend_schema, extend_schema_field
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
from core.permissions import allowed

from . import candidates as found
from . import services
from .choices import CauseCategory
from .filtersets import CauseFilterSet, ProblemFilterSet, SolutionTaskFilterSet
from .models import Cause, Problem, SolutionTask

CAUSE_FIELDS = ["position", "category", "question", "cause"]
TASK_FIELDS = ["description", "owner", "due_on", "done_on"]


def _inline_choice(choices, **kwargs):
    values = ", ".join(value for value, _label in choices)
    field_class = extend_schema_field({"type": "string", "description": f"One of: {values} (or empty)."})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class NestedCauseSerializer(RecordSerializer):
    id = serializers.IntegerField(required=False)
    category = _inline_choice(CauseCategory.choices, required=False, allow_blank=True)

    class Meta:
        model = Cause
        fields = ["id", *CAUSE_FIELDS]


class NestedSolutionTaskSerializer(RecordSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = SolutionTask
        fields = ["id", *TASK_FIELDS]


class ConformanceRowSerializer(serializers.Serializer):
    priority = serializers.CharField()
    sla = serializers.CharField()
    tickets = serializers.IntegerField()
    response_breaches = serializers.IntegerField()
    resolution_breaches = serializers.IntegerField()


class ProblemSerializer(ControlledRecordSerializer):
    causes = NestedCauseSerializer(many=True, required=False)
    tasks = NestedSolutionTaskSerializer(many=True, required=False)
    sla_conformance = serializers.SerializerMethodField()
    missing_analysis = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = Problem
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "contract",
                  "owner_department", "author", "customer", "confidentiality", "change_note", "predecessor",
                  "approved_at", "lock_version", "created", "updated", "description", "category",
                  "configuration_item", "tickets", "configuration_items", "method", "trend", "impact", "risk_level",
                  "workaround", "known_error", "known_error_on", "solution", "fixed_on", "snapshot", "causes",
                  "tasks", "sla_conformance", "missing_analysis"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", "fixed_on", "snapshot")
        extra_kwargs = {"owner_department": {"required": False}}

    def create(self, validated_data):
        validated_data.setdefault("owner_department", found.service_department(self.context["request"].user))
        return super().create(validated_data)

    @extend_schema_field(ConformanceRowSerializer(many=True))
    def get_sla_conformance(self, obj):
        return services.sla_conformance(obj)

    def get_missing_analysis(self, obj) -> list[str]:
        return services.missing_analysis(obj)


class CandidateSerializer(serializers.Serializer):
    contract = serializers.IntegerField(source="contract_id")
    category = serializers.CharField(allow_blank=True)
    configuration_item = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    first_half = serializers.IntegerField()
    second_half = serializers.IntegerField()
    trend = serializers.IntegerField()
    breaches = serializers.IntegerField()


class CandidateQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(required=False, help_text="One contract (its id); all in force if omitted.")
    days = serializers.IntegerField(required=False, min_value=7, max_value=730, default=found.WINDOW_DAYS)


class OpenCandidateSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    category = serializers.CharField(allow_blank=True, required=False, default="", max_length=100)
    configuration_item = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    days = serializers.IntegerField(required=False, min_value=7, max_value=730, default=found.WINDOW_DAYS)


class ProblemViewSet(ControlledRecordViewSet):
    """Problems: identified → analysis → solution in review → approved → implementing → verification → closed.
    `candidates` lists the ranked candidates from the service data; `from-candidate` opens a draft problem for
    one (the contract, the pair as title, the window's tickets linked)."""

    queryset = Problem.objects.all()
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    select_related = ("owner_department", "author", "contract")
    prefetch_related = ("causes", "tasks", "tickets", "configuration_items")

    def _contracts(self):
        return Contract.objects.in_force().restrict(self.request.user, "view").order_by("number")

    @extend_schema(parameters=[CandidateQuerySerializer], responses=CandidateSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def candidates(self, request):
        query = CandidateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        contracts = self._contracts()
        if "contract" in query.validated_data:
            contracts = contracts.filter(pk=query.validated_data["contract"])
        rows = found.candidates(list(contracts), days=query.validated_data["days"])
        return Response(CandidateSerializer(rows, many=True).data)

    @extend_schema(request=OpenCandidateSerializer, responses={201: ProblemSerializer})
    @action(detail=False, methods=["post"], url_path="from-candidate", filterset_class=None)
    def from_candidate(self, request):
        data = OpenCandidateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = self._contracts().filter(pk=data.validated_data["contract"]).first()
        if contract is None:  # unknown, or out of the caller's reach: the same answer
            raise serializers.ValidationError({"contract": [_t("No contract in force with this id.")]})
        if not allowed(request.user, Problem(contract=contract), "add"):
            raise PermissionDenied
        problem = found.open_problem(contract, data.validated_data["category"],
                                     data.validated_data["configuration_item"], request.user,
                                     days=data.validated_data["days"])
        return Response(self.get_serializer(problem).data, status=status.HTTP_201_CREATED)


class CauseViewSet(RestrictedReadOnlyViewSet):
    queryset = Cause.objects.all()
    serializer_class = type("CauseSerializer", (serializers.ModelSerializer,),
                            {"Meta": type("Meta", (), {"model": Cause, "fields": ["id", "problem", *CAUSE_FIELDS]})})
    filterset_class = CauseFilterSet


class SolutionTaskSerializer(RecordSerializer):
    class Meta:
        model = SolutionTask
        fields = ["id", "problem", *TASK_FIELDS]


class SolutionTaskViewSet(ServiceViewSet):
    """Solution tasks: planned with the problem; the project team records them done (done_on) once the solution is
    approved."""

    queryset = SolutionTask.objects.all()
    serializer_class = SolutionTaskSerializer
    filterset_class = SolutionTaskFilterSet
    select_related = ("problem",)


ROUTES = [
    ("problems/problems", ProblemViewSet),
    ("problems/causes", CauseViewSet),
    ("problems/solution-tasks", SolutionTaskViewSet),
]
