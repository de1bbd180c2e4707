"""Evidence packs over the API: list and read them, ask for one (202: it is built by a background job), rebuild it,
download its archive (audited as an export)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts.models import Contract
from core.api import RestrictedReadOnlyViewSet
from projects.models import Project

from ..filtersets import EvidencePackFilterSet
from ..models import EvidencePack
from ..packs import services


class EvidencePackSerializer(serializers.ModelSerializer):
    contracts = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Contract.objects.all())
    projects = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Project.objects.all())
    url = serializers.SerializerMethodField()

    class Meta:
        model = EvidencePack
        fields = ("id", "title", "period_start", "period_end", "contracts", "projects", "engagement", "state",
                  "requested_by", "job", "file_name", "size", "files", "content_hash", "built_at", "created", "url")
        read_only_fields = ("engagement", "state", "requested_by", "job", "file_name", "size", "files",
                            "content_hash", "built_at", "created")

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:  # only ids of the contracts and projects the caller may see
            fields["contracts"].child_relation.queryset = Contract.objects.restrict(user, "view")
            fields["projects"].child_relation.queryset = Project.objects.restrict(user, "view")
        return fields

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def validate(self, data):
        if not data.get("contracts") and not data.get("projects"):
            raise serializers.ValidationError(services.no_scope_message())
        if data["period_end"] < data["period_start"]:
            raise serializers.ValidationError({"period_end": services.period_message()})
        return data


class EvidencePackViewSet(RestrictedReadOnlyViewSet):
    queryset = EvidencePack.objects.all()
    serializer_class = EvidencePackSerializer
    filterset_class = EvidencePackFilterSet
    select_related = ("requested_by",)
    prefetch_related = ("contracts", "projects")
    action_permissions = {"rebuild": "add", "download": "view"}

    @extend_schema(request=EvidencePackSerializer, responses={202: EvidencePackSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pack = services.request_pack(request.user, data["title"], data["period_start"], data["period_end"],
                                     data.get("contracts", []), data.get("projects", []))
        return Response(self.get_serializer(pack).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: EvidencePackSerializer})
    @action(detail=True, methods=["post"])
    def rebuild(self, request, pk=None):
        pack = services.rebuild(self.get_object(), request.user)
        return Response(self.get_serializer(pack).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        handle, name = services.open_download(self.get_object(), request.user)
        return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


ROUTES = [("assurance/evidence-packs", EvidencePackViewSet)]
