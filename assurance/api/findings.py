"""REST endpoints of the process-compliance checks: the rules (`GET .../findings/rules/`), the findings (filters as
on the page; `POST .../findings/{id}/accept/` with a justification) and the runs (`POST .../compliance-runs/`
starts a run in the background and answers 202 with its background job; poll /api/core/jobs/{id}/)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import compliance
from core.api import RestrictedReadOnlyViewSet
from core.display import readable
from core.site_api import BackgroundJobSerializer

from .. import checks
from ..filtersets import ComplianceRunFilterSet, FindingFilterSet
from ..models import ComplianceRun, Finding


class FindingSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    record_type = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()
    rule_title = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "url", "rule_id", "rule_title", "clause", "severity", "status", "status_display",
                  "record_type", "object_id", "key", "object_label", "object_url", "message", "occurred", "project",
                  "contract", "customer", "first_found", "last_found", "last_run", "resolved_at", "justification",
                  "decided_by", "decided_at", "improvement"]
        read_only_fields = fields

    def get_record_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_message(self, obj) -> str:
        return str(readable(obj.message))

    def get_rule_title(self, obj) -> str:
        rule = compliance.get(obj.rule_id)
        return str(rule.title) if rule else ""


class RuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    clause = serializers.CharField()
    severity = serializers.CharField()
    sp = serializers.CharField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    open_findings = serializers.IntegerField()


class AcceptRequest(serializers.Serializer):
    justification = serializers.CharField()


class FindingViewSet(RestrictedReadOnlyViewSet):
    """Compliance findings: one rule's violation on one record, kept across runs."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    select_related = ("content_type",)
    action_permissions = {"accept": "change", "rules": "view"}

    @extend_schema(request=AcceptRequest, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        finding = self.get_object()
        given = AcceptRequest(data=request.data)
        given.is_valid(raise_exception=True)
        checks.accept(finding, request.user, given.validated_data["justification"])
        finding.refresh_from_db()
        return Response(self.get_serializer(finding).data)

    @extend_schema(responses=RuleSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def rules(self, request):
        """Every rule with its clause, severity, explanation and the open findings of it you may see."""
        from django.db.models import Count

        from ..choices import FindingStatus

        counts = dict(self.get_queryset().filter(status=FindingStatus.OPEN).order_by().values_list("rule_id")
                      .annotate(n=Count("pk")))
        return Response([{"id": r.id, "clause": r.clause, "severity": r.severity, "sp": r.sp, "title": str(r.title),
                          "explanation": str(r.explanation), "open_findings": counts.get(r.id, 0)}
                         for r in compliance.rules()])


class ComplianceRunSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    message = serializers.SerializerMethodField()

    class Meta:
        model = ComplianceRun
        fields = ["id", "url", "trigger", "started_by", "state", "started_at", "finished_at", "rules_run", "found",
                  "new", "resolved", "message", "job"]
        read_only_fields = fields

    def get_message(self, obj) -> str:
        return str(readable(obj.message))


class ComplianceRunViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet, viewsets.GenericViewSet):
    """Runs of the compliance checks; POST starts one in the background (202 with the job)."""

    queryset = ComplianceRun.objects.all()
    serializer_class = ComplianceRunSerializer
    filterset_class = ComplianceRunFilterSet
    select_related = ("started_by",)

    @extend_schema(request=inline_serializer("ComplianceRunRequest", {}), responses={202: BackgroundJobSerializer})
    def create(self, request, *args, **kwargs):
        job = checks.start(request.user)
        return Response(BackgroundJobSerializer(job, context={"request": request}).data,
                        status=status.HTTP_202_ACCEPTED)


ROUTES = [("assurance/findings", FindingViewSet), ("assurance/compliance-runs", ComplianceRunViewSet)]
