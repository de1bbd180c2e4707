from core.views import RecordViews

from .filtersets import DelegationFilterSet, DepartmentFilterSet, UserFilterSet
from .forms import DelegationForm, DepartmentForm, UserForm
from .models import Delegation, Department, User
from .tables import DelegationTable, DepartmentTable, UserTable


class DepartmentViews(RecordViews):
    model = Department
    table = DepartmentTable
    filterset = DepartmentFilterSet
    form = DepartmentForm
    select_related = ("head",)
    detail_fields = ("code", "name", "name_en", "kind", "parent", "head")


class UserViews(RecordViews):
    model = User
    table = UserTable
    filterset = UserFilterSet
    form = UserForm
    select_related = ("department",)
    prefetch_related = ("role_assignments",)
    detail_fields = ("username", "last_name", "first_name", "email", "department", "title", "phone", "is_active")


class DelegationViews(RecordViews):
    model = Delegation
    table = DelegationTable
    filterset = DelegationFilterSet
    form = DelegationForm
    select_related = ("delegator", "delegate")
    detail_fields = ("delegator", "delegate", "start", "end", "reason", "revoked")
