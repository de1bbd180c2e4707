"""Evidence pack pages: the list, a new pack (period, contracts and/or projects), its page with the build's progress
(polled with htmx like core's job pages), the manifest's summary, the download (audited) and a rebuild."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic.edit import FormView

from core.job_views import shown
from core.responses import error_messages
from core.views import ObjectDetailView, ObjectListView, PermissionMixin

from ..choices import PackState
from ..filtersets import EvidencePackFilterSet
from ..forms import EvidencePackForm
from ..models import EvidencePack
from ..packs import services
from ..tables import EvidencePackTable


class PackViews:
    """What core's list page needs to find this model's pages (its add button)."""

    @staticmethod
    def url_for(action, *args):
        from django.urls import reverse

        return reverse(f"assurance:pack_{action}", args=args)


class PackListView(ObjectListView):
    model = EvidencePack
    table_class = EvidencePackTable
    filterset_class = EvidencePackFilterSet
    select_related = ("requested_by",)
    views = PackViews


class PackCreateView(PermissionMixin, FormView):
    model = EvidencePack
    action = "add"
    form_class = EvidencePackForm
    template_name = "core/object_edit.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        """An external auditor's audit as it stands (its period and sample); anyone else the last twelve months."""
        from ..engagements import engagements_of, is_external_auditor

        today = timezone.localdate()
        audit = engagements_of(self.request.user).first() if is_external_auditor(self.request.user) else None
        if audit is not None:
            return {"title": audit.title, "period_start": audit.period_start, "period_end": audit.period_end,
                    "contracts": list(audit.contracts.values_list("pk", flat=True))}
        start = today - timedelta(days=365)
        return {"title": _t("Evidence %(start)s to %(end)s") % {"start": start, "end": today},
                "period_start": start, "period_end": today}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            pack = services.request_pack(self.request.user, data["title"], data["period_start"], data["period_end"],
                                         data["contracts"], data["projects"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("The evidence pack is being built in the background."))
        return redirect(pack.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(model_meta=EvidencePack._meta, object=None)
        return context


def manifest_summary(manifest):
    """[(folder, files, bytes)] by top-level folder of the pack."""
    if not manifest:
        return []
    folders = defaultdict(lambda: [0, 0])
    for entry in manifest["files"]:
        folder = entry["path"].split("/", 1)[0] if "/" in entry["path"] else ""
        folders[folder][0] += 1
        folders[folder][1] += entry["size"]
    return [(folder or "/", n, size) for folder, (n, size) in sorted(folders.items())]


class PackDetailView(ObjectDetailView):
    model = EvidencePack
    detail_fields = ("title", "period_start", "period_end", "contracts", "projects", "engagement", "requested_by",
                     "state", "built_at", "files", "size", "content_hash")

    def get_queryset(self):
        return super().get_queryset().select_related("requested_by", "job__owner")

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["assurance/partials/pack_progress.html"]
        return ["assurance/evidencepack.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pack, user = self.object, self.request.user
        manifest = services.read_manifest(pack)
        from core.display import readable
        from core.permissions import allowed

        context.update(
            job=shown(user, pack.job) if pack.job_id else None, manifest=manifest,
            summary=manifest_summary(manifest), message_text=readable(pack.message),
            building=pack.state in (PackState.QUEUED, PackState.BUILDING),
            may_rebuild=allowed(user, EvidencePack, "add") and pack.state in (PackState.READY, PackState.FAILED),
        )
        return context


class PackDownloadView(PermissionMixin, View):
    model = EvidencePack

    def get(self, request, pk):
        pack = get_object_or_404(self.restricted(), pk=pk)
        try:
            handle, name = services.open_download(pack, request.user)
        except ValidationError:
            messages.error(request, _t("The pack is not ready yet."))
            return redirect(pack.get_absolute_url())
        return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


class PackRebuildView(PermissionMixin, View):
    model = EvidencePack
    action = "add"

    def post(self, request, pk):
        pack = get_object_or_404(self.restricted("view"), pk=pk)
        try:
            services.rebuild(pack, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        except PermissionDenied:
            raise
        else:
            messages.success(request, _t("The evidence pack is being built again."))
        return redirect(pack.get_absolute_url())


urlpatterns = [
    path("packs/", PackListView.as_view(), name="pack_list"),
    path("packs/add/", PackCreateView.as_view(), name="pack_add"),
    path("packs/<int:pk>/", PackDetailView.as_view(), name="pack_detail"),
    path("packs/<int:pk>/download/", PackDownloadView.as_view(), name="pack_download"),
    path("packs/<int:pk>/rebuild/", PackRebuildView.as_view(), name="pack_rebuild"),
]
