"""REST endpoints of the organisation: departments and users (read), delegations of approvals."""

from rest_framework import serializers

from core.api import RecordSerializer, RestrictedReadOnlyViewSet, ServiceViewSet

from . import services
from .filtersets import DelegationFilterSet, DepartmentFilterSet, UserFilterSet
from .models import Delegation, Department, User


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


class DelegationSerializer(RecordSerializer):
    class Meta:
        model = Delegation
        fields = ["id", "delegator", "delegate", "start", "end", "reason", "revoked", "created"]
        read_only_fields = ["delegator", "created"]

    def save_instance(self, instance, before):
        # The signed-in user delegates their own approvals; the delegate never changes the delegation.
        services.save(instance, self.context["request"].user)


class DepartmentViewSet(RestrictedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet


class UserViewSet(RestrictedReadOnlyViewSet):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    prefetch_related = ("role_assignments",)


class DelegationViewSet(ServiceViewSet):
    """Delegations of approval rights; the signed-in user is the delegator of what they create, and only the
    delegator or an administrator changes one (org.services)."""

    queryset = Delegation.objects.all()
    serializer_class = DelegationSerializer
    filterset_class = DelegationFilterSet
    select_related = ("delegator", "delegate")
    http_method_names = ["get", "post", "patch", "head", "options"]


ROUTES = [
    ("org/departments", DepartmentViewSet),
    ("org/users", UserViewSet),
    ("org/delegations", DelegationViewSet),
]
