from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _t

from core.responses import error_messages, hx_redirect
from core.views import ObjectDetailView, ObjectEditView, RecordViews

from . import services
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


class DelegationEditView(ObjectEditView):
    """Opens only the delegations the user may change (their own; all for an administrator) and saves through
    org.services, the rules the API follows too."""

    def form_valid(self, form):
        try:
            delegation = services.save(form.save(commit=False), self.request.user)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Saved %(obj)s.") % {"obj": delegation})
        return hx_redirect(self.request, delegation.get_absolute_url())


class DelegationDetailView(ObjectDetailView):
    """Offers the edit page only to those who may change this delegation (not its delegate; not once revoked)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = context["can_change"] and not self.object.revoked and \
            services.may_change(self.object, self.request.user)
        return context


class DelegationViews(RecordViews):
    model = Delegation
    table = DelegationTable
    filterset = DelegationFilterSet
    form = DelegationForm
    detail_view = DelegationDetailView
    edit_view = DelegationEditView
    select_related = ("delegator", "delegate")
    detail_fields = ("delegator", "delegate", "start", "end", "reason", "revoked")
