"""Pages of the work plan change request and its revised plan."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _t
from django.views import View

from core.views import ObjectDetailView, error_messages, hx_redirect

from .. import services
from ..filtersets import ChangeRequestFilterSet
from ..forms import ChangeRequestForm
from ..models import ChangeRequest
from ..tables import ChangeRequestTable
from .project import ProjectRecordEditView, ProjectRecordViews


class ChangeEditView(ProjectRecordEditView):
    def defaults_from(self, project):
        baseline = project.baseline()
        return {**super().defaults_from(project), "baseline": baseline.pk if baseline else None}


class ChangeRequestDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = self.object
        revision = change.revision()
        context.update(revision=revision, comparison=services.comparison_for(change),
                       can_prepare=services.can_prepare_revision(self.request.user, change))
        return context


class PrepareRevisionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        change = get_object_or_404(ChangeRequest.objects.restrict(request.user, "view"), pk=pk)
        try:
            revision = services.start_revision(change, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return hx_redirect(request, change.get_absolute_url())
        messages.success(request, _t("Version %(v)s of the work plan is the revised draft of this change.")
                         % {"v": revision.version})
        return hx_redirect(request, revision.get_absolute_url())


class ChangeRequestViews(ProjectRecordViews):
    model = ChangeRequest
    table = ChangeRequestTable
    filterset = ChangeRequestFilterSet
    form = ChangeRequestForm
    edit_view = ChangeEditView
    detail_view = ChangeRequestDetailView
    detail_fields = ("project", "baseline", "kind", "reason", "form", "verbal_from", "verbal_at", "change_note")

    @classmethod
    def urls(cls):
        return super().urls() + [path("changerequest/<int:pk>/revise/", PrepareRevisionView.as_view(),
                                      name="changerequest_revise")]
