"""Site-wide pages: the Record Register, the audit log, the permission matrix."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from core.roles import Role

from .display import action_label
from .filtersets import AuditEntryFilterSet, NumberingSchemeFilterSet, RecordIndexFilterSet
from .forms import NumberingSchemeForm
from .models import Attachment, AuditEntry, NumberingScheme, RecordIndex
from .permissions import MATRIX
from .registry import registry
from .tables import AuditEntryTable, NumberingSchemeTable, RecordIndexTable
from .views import ObjectListView, RecordViews


class RegisterView(ObjectListView):
    """Every record of every type, and the SPEC section 5 types even before any exists."""

    model = RecordIndex
    table_class = RecordIndexTable
    filterset_class = RecordIndexFilterSet
    select_related = ("department", "author", "customer")
    template_name = "core/register.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/partials/object_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(RecordIndex.objects.restrict(self.request.user).filter(is_latest=True)
                      .values_list("record_type").annotate(n=Count("pk")))
        context["record_types"] = [(t, counts.get(t.code, 0)) for t in registry]
        context["can_add"] = False
        return context


class AuditLogView(ObjectListView):
    model = AuditEntry
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilterSet
    select_related = ("user", "content_type")
    paginate_by = 50


class PermissionMatrixView(LoginRequiredMixin, TemplateView):
    template_name = "core/permissions.html"

    def get_context_data(self, **kwargs):
        from django.apps import apps

        context = super().get_context_data(**kwargs)
        rows = []
        for label, actions in MATRIX.items():
            model = apps.get_model(label)
            for action, roles in actions.items():
                rows.append((model._meta.verbose_name, action_label(model, action),
                             [role in roles for role in Role.values]))
        context.update(roles=Role.choices, rows=rows)
        return context


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Attachments are served only to users who may view the record they belong to (a customer contact: the
    records shared with them)."""

    customer_facing = True

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        model = attachment.content_type.model_class()
        if not model.objects.restrict(request.user, "view").filter(pk=attachment.object_id).exists():
            raise Http404
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class NumberingSchemeViews(RecordViews):
    """Per record type numbering (文件编号), configurable by an administrator."""

    model = NumberingScheme
    table = NumberingSchemeTable
    filterset = NumberingSchemeFilterSet
    form = NumberingSchemeForm
    detail_fields = ("record_type", "prefix", "pattern")


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from .dashboard import dashboard_for

        context = super().get_context_data(**kwargs)
        context.update(dashboard_for(self.request.user))
        return context
