"""Pages of a project's closure: the record with its checklist, and disposing of an item (waive, hand over)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _t
from django.views import View

from core.responses import error_html, error_messages, hx_redirect
from core.views import ObjectDetailView
from projects.views.project import ProjectRecordEditView, ProjectRecordViews

from ..filtersets import ProjectClosureFilterSet
from ..forms import DispositionForm, ProjectClosureForm
from ..models import ClosureDisposition, ProjectClosure
from ..services import closure as services
from ..tables import ProjectClosureTable


class ProjectClosureEditView(ProjectRecordEditView):
    def defaults_from(self, project):
        return {"title": _t("Closure of %(project)s") % {"project": project.name}}


class ProjectClosureDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        closure, user = self.object, self.request.user
        rows, frozen = services.rows_for_reading(closure)
        for row in rows:
            row["state_label"] = services.state_label(row["state"])
        may_dispose = services.may_dispose(user, closure)
        context.update(
            checklist=rows, checklist_frozen=frozen,
            open_count=sum(row["state"] == "open" for row in rows),
            disposable={row.item.key for row in services.checklist(closure.project)
                        if row.open and row.item.may_dispose} if may_dispose else set(),
            may_dispose=may_dispose, disposition_form=DispositionForm(),
            dispositions=ClosureDisposition.objects.filter(closure__number=closure.number)
            .select_related("owner", "decided_by", "closure"),
        )
        return context


class DisposeView(LoginRequiredMixin, View):
    """POST: waive an open checklist item or hand it over (the Service Department manager; reason required)."""

    def post(self, request, pk):
        closure = get_object_or_404(ProjectClosure.objects.restrict(request.user, "view"), pk=pk)
        form = DispositionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            data = form.cleaned_data
            disposition = services.dispose(closure, data["item_key"], data["kind"], data["reason"], request.user,
                                           owner=data.get("owner"))
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, error_html(exc) if getattr(exc, "fixes", None) else " ".join(error_messages(exc)))
        else:
            messages.success(request, _t("Recorded: %(disposition)s.") % {"disposition": disposition})
        return hx_redirect(request, closure.get_absolute_url() + "#checklist")


class ProjectClosureViews(ProjectRecordViews):
    model = ProjectClosure
    table = ProjectClosureTable
    filterset = ProjectClosureFilterSet
    form = ProjectClosureForm
    edit_view = ProjectClosureEditView
    detail_view = ProjectClosureDetailView
    detail_fields = ("project", "notes", "closed_at", "change_note")

    @classmethod
    def urls(cls):
        return super().urls() + [path("projectclosure/<int:pk>/dispose/", DisposeView.as_view(),
                                      name="projectclosure_dispose")]
