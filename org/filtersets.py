import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet
from core.roles import Role

from .choices import DepartmentKind
from .models import Delegation, Department, User


class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "name_en")
    kind = django_filters.MultipleChoiceFilter(choices=DepartmentKind.choices)

    class Meta:
        model = Department
        fields = ["q", "kind"]


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")
    role = django_filters.MultipleChoiceFilter(field_name="role_assignments__role", choices=Role.choices,
                                               label=_("role"), distinct=True)

    class Meta:
        model = User
        fields = ["q", "department", "role", "is_active"]


class DelegationFilterSet(SearchFilterSet):
    search_fields = ("reason",)

    class Meta:
        model = Delegation
        fields = ["q", "delegator", "delegate", "revoked"]
