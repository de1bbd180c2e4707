"""Connector pages: list, detail (state, failures, next sync, last error, whether credentials are set, the runs =
import jobs of source "sync", the "Sync now" button), edit with write-only credentials, delete."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _t
from django.views import View

from core.permissions import allowed
from core.views import ObjectDetailView, RecordViews, hx_redirect

from ..choices import ImportSource
from ..connectors import credentials
from ..connectors.tasks import request_sync
from ..filtersets import ConnectorFilterSet
from ..forms import ConnectorForm
from ..models import Connector, ImportJob
from ..tables import ConnectorTable

__all__ = ["ConnectorSyncView", "ConnectorViews"]

RUNS_SHOWN = 20


class ConnectorDetailView(ObjectDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("contract", "run_as", "profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connector = self.object
        context.update(
            credentials_set=credentials.is_set(connector),
            can_sync=allowed(self.request.user, Connector, "sync"),
            runs=ImportJob.objects.filter(connector=connector, source=ImportSource.SYNC)
            .select_related("created_by").order_by("-created")[:RUNS_SHOWN],
        )
        return context


class ConnectorViews(RecordViews):
    model = Connector
    table = ConnectorTable
    filterset = ConnectorFilterSet
    form = ConnectorForm
    select_related = ("contract",)
    detail_view = ConnectorDetailView
    # state, failures, next sync and last error are on the page's "Sync" card
    detail_fields = ("contract", "kind", "base_url", "query", "profile", "enabled", "interval_minutes", "run_as",
                     "last_success_at", "cursor")


class ConnectorSyncView(LoginRequiredMixin, View):
    """"Sync now": queued for the worker (whoever may sync; the sync itself is audited as an import)."""

    def post(self, request, pk):
        connector = get_object_or_404(Connector.objects.restrict(request.user, "view"), pk=pk)
        request_sync(connector, request.user)
        messages.info(request, _t("Sync of %(name)s started; its import appears under the runs.")
                      % {"name": connector.name})
        return hx_redirect(request, connector.get_absolute_url())
