from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from core.middleware import customer_facing
from core.responses import error_messages, hx_redirect
from core.views import ObjectDetailView, ObjectEditView, RecordViews

from . import services
from .filtersets import DelegationFilterSet, DepartmentFilterSet, UserFilterSet
from .forms import DelegationForm, DepartmentForm, PreferencesForm, UserForm
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


class PreferencesView(LoginRequiredMixin, FormView):
    """My settings: the signed-in user's language, time zone and contact details; audited like any change."""

    customer_facing = True  # a customer contact's page too (core.middleware.OutsidePagesMiddleware)
    template_name = "org/preferences.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.user}

    def form_valid(self, form):
        user = form.save()
        if user.language:
            translation.activate(user.language)
        messages.success(self.request, _t("Your settings are saved."))
        response = redirect("org:preferences")
        if user.language:  # the header's language switch and the login page follow the setting too
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        return {**super().get_context_data(**kwargs), "now": timezone.now()}


@customer_facing
@require_POST
def switch_language(request):
    """The header's language switch: remembered in the signed-in user's settings, so that e-mails and documents
    made for them later speak it too; then Django's own switch (cookie, redirect back)."""
    from django.views.i18n import set_language

    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return set_language(request)
