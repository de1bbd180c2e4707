from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import RecordSerializer, ServiceViewSet
from core.permissions import allowed

from . import importer
from .choices import ImportKind
from .filtersets import ConfigurationItemFilterSet, ContactFilterSet, CustomerFilterSet, OperatingDataFilterSet
from .models import ConfigurationItem, Contact, Customer, OperatingData
from .views import IMPORT_MODELS


class CustomerSerializer(RecordSerializer):
    class Meta:
        model = Customer
        fields = ["id", "code", "name", "name_en", "industry", "address", "active", "notes", "created", "updated"]


class ImportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField()


class ImportTemplateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file_format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")


ImportResponse = inline_serializer("CustomerImportResult", {
    "kind": serializers.CharField(), "rows": serializers.IntegerField(), "created": serializers.IntegerField(),
    "updated": serializers.IntegerField(), "unchanged": serializers.IntegerField(), "ok": serializers.BooleanField(),
    "message": serializers.CharField(), "truncated": serializers.BooleanField(),
    "errors": serializers.ListField(child=serializers.DictField())})


class CustomerViewSet(ServiceViewSet):
    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet

    @extend_schema(request={"multipart/form-data": ImportRequestSerializer},
                   responses={200: ImportResponse, 400: ImportResponse})
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request, pk=None):
        """Import configuration items or operating data (XLSX/CSV); all rows are checked before any is written."""
        customer = self.get_object()
        wanted = ImportRequestSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        kind, upload = wanted.validated_data["kind"], wanted.validated_data["file"]
        model = IMPORT_MODELS[kind]
        if not (allowed(request.user, model, "add") and allowed(request.user, model, "change")):
            raise PermissionDenied
        result = importer.run(customer, kind, upload, upload.name, request.user)
        return Response(result.as_dict(), status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=ImportKind.values),
                               OpenApiParameter("file_format", OpenApiTypes.STR, enum=["xlsx", "csv"])],
                   responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request):
        """The empty import template (`kind` items|operating, `file_format` xlsx|csv)."""
        wanted = ImportTemplateSerializer(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        content, content_type, name = importer.template(wanted.validated_data["kind"],
                                                        wanted.validated_data["file_format"])
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ContactSerializer(RecordSerializer):
    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "job_title", "department", "phone", "email", "primary", "notes",
                  "created", "updated"]


class ContactViewSet(ServiceViewSet):
    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    select_related = ("customer",)


class ConfigurationItemSerializer(RecordSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ConfigurationItem
        fields = ["id", "customer", "kind", "kind_display", "name", "model_version", "count", "location", "notes",
                  "created", "updated"]
        validators = []  # the model's constraints are checked by core.records (full_clean) with their messages


class ConfigurationItemViewSet(ServiceViewSet):
    queryset = ConfigurationItem.objects.all()
    serializer_class = ConfigurationItemSerializer
    filterset_class = ConfigurationItemFilterSet
    select_related = ("customer",)


class OperatingDataSerializer(RecordSerializer):
    class Meta:
        model = OperatingData
        fields = ["id", "customer", "period", "ticket_volume", "incident_count", "major_incident_count",
                  "availability_percent", "downtime_minutes", "notes", "created", "updated"]
        validators = []


class OperatingDataViewSet(ServiceViewSet):
    queryset = OperatingData.objects.all()
    serializer_class = OperatingDataSerializer
    filterset_class = OperatingDataFilterSet
    select_related = ("customer",)


# Registered by api/urls.py under /api/.
ROUTES = [
    ("customers/contacts", ContactViewSet),
    ("customers/configuration-items", ConfigurationItemViewSet),
    ("customers/operating-data", OperatingDataViewSet),
    ("customers", CustomerViewSet),
]
