from rest_framework import serializers

from core.models import AuditEntry, NumberingScheme, RecordIndex
from org.models import Delegation, Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_en", "kind", "parent", "head"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "department", "title", "is_active", "roles"]

    def get_roles(self, obj) -> list[str]:
        return sorted(a.role for a in obj.role_assignments.all())


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["seq", "at", "user", "username", "action", "content_type", "object_id", "object_repr", "changes",
                  "comment", "request_id", "ip", "prev_hash", "hash"]


class RecordIndexSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordIndex
        fields = ["id", "record_type", "number", "version", "title", "status", "department", "author", "customer",
                  "project_label", "contract_label", "is_latest", "created", "updated", "url"]


class DelegationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delegation
        fields = ["id", "delegator", "delegate", "start", "end", "reason", "revoked", "created"]
        read_only_fields = ["delegator", "created"]


class NumberingSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = NumberingScheme
        fields = ["id", "record_type", "prefix", "pattern"]
