"""The clause map over the API: the clauses with their mapping, the files read, and the evidence per clause for a
scope (?start=&end=&contract=&contract=&project=; no contract or project: every contract the caller may see)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import clausemap
from ..clausemap.evidence import evidence, evidence_data
from ..forms import ClauseScopeForm
from ..models import Finding

SCOPE = [OpenApiParameter("start", str, description="period from (YYYY-MM-DD; default a year before the end)"),
         OpenApiParameter("end", str, description="period to (YYYY-MM-DD; default today)"),
         OpenApiParameter("contract", int, many=True, description="contract ids"),
         OpenApiParameter("project", int, many=True, description="project ids")]

EDITION = inline_serializer("ClauseEdition", {"edition": serializers.CharField(), "clause": serializers.CharField(),
                                              "title": serializers.CharField()})
CLAUSE = inline_serializer("Clause", {
    "id": serializers.CharField(), "title": serializers.CharField(), "title_en": serializers.CharField(),
    "title_zh": serializers.CharField(), "sp": serializers.ListField(child=serializers.CharField()),
    "record_types": serializers.ListField(child=serializers.CharField()),
    "checks": serializers.ListField(child=serializers.CharField()), "editions": EDITION.__class__(many=True)})
TYPE_EVIDENCE = inline_serializer("ClauseRecordTypeEvidence", {
    "code": serializers.CharField(), "label": serializers.CharField(), "issued": serializers.IntegerField(),
    "open": serializers.IntegerField()})
RULE_EVIDENCE = inline_serializer("ClauseCheckEvidence", {
    "rule": serializers.CharField(), "title": serializers.CharField(), "open_findings": serializers.IntegerField()})
EVIDENCE = inline_serializer("ClauseEvidence", {
    "clause": serializers.CharField(), "title": serializers.CharField(), "thin": serializers.BooleanField(),
    "reasons": serializers.ListField(child=serializers.CharField()), "issued": serializers.IntegerField(),
    "open": serializers.IntegerField(), "open_findings": serializers.IntegerField(),
    "record_types": TYPE_EVIDENCE.__class__(many=True), "checks": RULE_EVIDENCE.__class__(many=True),
    "sp": serializers.ListField(child=serializers.CharField())})
SOURCE = inline_serializer("ClauseMapSource", {"file": serializers.CharField(), "version": serializers.CharField()})


class ClauseMapViewSet(viewsets.GenericViewSet):
    """The clause map (ISO/IEC 20000-1:2018 clauses to procedure steps, record types and checks) and the evidence
    per clause. Read by whoever reads the compliance findings."""

    queryset = Finding.objects.all()
    serializer_class = serializers.Serializer
    pagination_class = None  # the map is a few dozen clauses: answered whole
    filter_backends = ()
    lookup_field = "clause"
    lookup_value_regex = r"[0-9A-Za-z][0-9A-Za-z.\-]*"

    def clause_map(self):
        try:
            return clausemap.load()
        except clausemap.ClauseMapError as exc:
            raise serializers.ValidationError({"clause_map": [str(e) for e in exc.errors]}) from None

    def scope(self):
        form = ClauseScopeForm(self.request.query_params, user=self.request.user)
        if not form.is_valid():
            raise serializers.ValidationError({name: [error["message"] for error in errors]
                                               for name, errors in form.errors.get_json_data().items()})
        return form.scope()

    @extend_schema(responses=CLAUSE.__class__(many=True))
    def list(self, request):
        """Every clause of the map in force, in clause order."""
        return Response(clausemap.as_data(self.clause_map())["clauses"])

    @extend_schema(parameters=SCOPE, responses=inline_serializer("ClauseWithEvidence", {
        "clause": CLAUSE, "evidence": EVIDENCE}))
    def retrieve(self, request, clause=None):
        """One clause with its evidence in the scope."""
        clause_map = self.clause_map()
        found = clause_map.get(clause)
        if found is None:
            raise Http404
        only = clausemap.ClauseMap((found,), clause_map.sources, clause_map.headings)
        rows = evidence(only, self.scope(), request.user)
        return Response({"clause": clausemap.clause_data(found), "evidence": evidence_data(rows)[0]})

    @extend_schema(parameters=SCOPE, responses=EVIDENCE.__class__(many=True))
    @action(detail=False, methods=["get"])
    def evidence(self, request):
        """Every clause's evidence in the scope: records issued and in progress per record type, open findings per
        check, and whether the evidence is thin (and why)."""
        return Response(evidence_data(evidence(self.clause_map(), self.scope(), request.user)))

    @extend_schema(responses=SOURCE.__class__(many=True))
    @action(detail=False, methods=["get"])
    def sources(self, request):
        """The map files read (the built-in map, then the company's) with their versions."""
        return Response(clausemap.as_data(self.clause_map())["sources"])


ROUTES = [("assurance/clauses", ClauseMapViewSet, "assurance-clauses")]
