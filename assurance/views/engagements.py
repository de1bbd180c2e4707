"""External audits: list, detail, add and edit (through assurance.engagements), invite an external auditor, revoke
one's access."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _t
from django.views.generic import FormView

from core import audit
from core.permissions import allowed
from core.responses import error_messages, hx_redirect
from core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, PermissionMixin, RecordViews

from .. import engagements
from ..filtersets import AuditEngagementFilterSet
from ..forms import AuditEngagementForm, InviteAuditorForm
from ..models import AuditEngagement, EvidencePack
from ..tables import AuditEngagementTable


class EngagementEditView(ObjectEditView):
    """Saves through assurance.engagements: the sample and the invited auditors' access follow the form."""

    def form_valid(self, form):
        engagement = form.save(commit=False)
        before = None if self.object is None else audit.snapshot(AuditEngagement.objects.get(pk=engagement.pk))
        try:
            engagements.save(engagement, self.request.user, form.cleaned_data["contracts"], before=before)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Saved %(obj)s.") % {"obj": engagement})
        return hx_redirect(self.request, engagement.get_absolute_url())


class EngagementDetailView(ObjectDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("coordinator").prefetch_related("contracts", "auditors")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        engagement, user = self.object, self.request.user
        context.update(
            sample=engagement.contracts.restrict(user, "view").select_related("customer").order_by("number"),
            auditors=engagement.auditors.prefetch_related("role_assignments").order_by("username"),
            packs=EvidencePack.objects.restrict(user, "view").filter(engagement=engagement),
            is_open=engagement.is_open(),
            can_manage=allowed(user, engagement, "change"),
        )
        return context


class EngagementDeleteView(ObjectDeleteView):
    """Deleting an external audit ends its auditors' access to it."""

    delete_service = staticmethod(engagements.delete)


class EngagementViews(RecordViews):
    model = AuditEngagement
    table = AuditEngagementTable
    filterset = AuditEngagementFilterSet
    form = AuditEngagementForm
    edit_view = EngagementEditView
    detail_view = EngagementDetailView
    delete_view = EngagementDeleteView
    select_related = ("coordinator",)
    prefetch_related = ("contracts",)
    detail_fields = ("title", "audit_body", "period_start", "period_end", "access_from", "access_until",
                     "coordinator", "notes")


class EngagementActionView(PermissionMixin, FormView):
    """A page acting on one external audit; only those who may change it reach it."""

    model = AuditEngagement
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.engagement = get_object_or_404(AuditEngagement.objects.restrict(request.user, "view"), pk=kwargs["pk"])
            if not allowed(request.user, self.engagement, "change"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.engagement, **kwargs)


class InviteView(EngagementActionView):
    template_name = "assurance/auditengagement_invite.html"
    form_class = InviteAuditorForm

    def form_valid(self, form):
        try:
            account = engagements.invite(self.engagement, self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("%(user)s may sign in to the external audit during its access window.")
                         % {"user": account.get_username()})
        return hx_redirect(self.request, self.engagement.get_absolute_url())


class RevokeView(EngagementActionView):
    """POST auditor=<id>: the auditor's access to this audit ends now."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        wanted = request.POST.get("auditor", "")
        auditor = get_object_or_404(self.engagement.auditors.all(), pk=int(wanted) if wanted.isdigit() else None)
        engagements.revoke(self.engagement, auditor, request.user)
        messages.success(request, _t("The access of %(user)s to this external audit has been revoked.")
                         % {"user": auditor.get_username()})
        return hx_redirect(request, self.engagement.get_absolute_url())


urlpatterns = EngagementViews.urls() + [
    path("auditengagement/<int:pk>/invite/", InviteView.as_view(), name="auditengagement_invite"),
    path("auditengagement/<int:pk>/revoke/", RevokeView.as_view(), name="auditengagement_revoke"),
]
