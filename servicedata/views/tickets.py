"""Pages: tickets (global and per contract, with import), outages, maintenance windows, import jobs, SLA dashboard."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from contracts.models import Contract
from core.permissions import allowed
from core.views import (
    BoundedTableMixin,
    ObjectDetailView,
    ObjectListView,
    PermissionMixin,
    RecordViews,
    error_messages,
    hx_redirect,
)

from .. import services, sla
from ..filtersets import (
    ContractTicketFilterSet,
    ImportJobFilterSet,
    MaintenanceWindowFilterSet,
    OutageFilterSet,
    TicketFilterSet,
)
from ..forms import ImportForm, MaintenanceWindowForm, OutageForm
from ..models import ImportJob, ImportProfile, MaintenanceWindow, Outage, Ticket
from ..tables import ImportJobTable, MaintenanceWindowTable, OutageTable, TicketTable, business_duration
from ..tasks import start_recompute

TICKET_SELECT = ("service",)


class ReadOnlyDetailView(ObjectDetailView):
    """Rows written by imports and services only: no edit button."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(can_change=False, can_delete=False)
        return context


class TicketDetailView(ReadOnlyDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("contract", "service", "customer", "calendar_version",
                                                     "sla_version").prefetch_related("pauses")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ticket = self.object
        context["clocks"] = [
            (_t("Response"), business_duration(ticket.response_seconds), ticket.response_due, ticket.response_met,
             ticket.response_decided),
            (_t("Resolution"), business_duration(ticket.resolution_seconds), ticket.resolution_due,
             ticket.resolution_met, ticket.resolution_decided),
        ]
        return context


class ReadOnlyViews(RecordViews):
    """List and detail pages only: the rows are written by imports and services, not by forms."""

    detail_view = ReadOnlyDetailView

    @classmethod
    def url_for(cls, action, *args):
        return super().url_for(action, *args) if action in {"list", "detail"} else None

    @classmethod
    def urls(cls):
        return read_only_urls(cls, cls.detail_view)


def read_only_urls(views, detail_view):
    base = {"model": views.model, "views": views}
    route = views.model._meta.model_name
    return [
        path(f"{route}/", ObjectListView.as_view(table_class=views.table, filterset_class=views.filterset,
                                                select_related=views.select_related, **base), name=views.name("list")),
        path(f"{route}/<int:pk>/", detail_view.as_view(detail_fields=views.detail_fields, **base),
             name=views.name("detail")),
    ]


class TicketViews(ReadOnlyViews):
    model = Ticket
    table = TicketTable
    filterset = TicketFilterSet
    select_related = ("service",)
    detail_view = TicketDetailView
    detail_fields = ("contract", "customer", "external_system", "external_id", "kind", "priority", "status",
                     "category", "summary", "service", "configuration_item", "security", "created", "first_response",
                     "resolved",
                     "closed", "calendar_version", "sla_version", "computed_at")


class ImportJobViews(ReadOnlyViews):
    model = ImportJob
    table = ImportJobTable
    filterset = ImportJobFilterSet
    select_related = ("contract", "created_by")
    detail_fields = ("contract", "name", "format", "size", "sha256", "external_system", "time_zone", "status",
                     "total_rows", "created_count", "updated_count", "unchanged_count", "error_count", "message",
                     "created_by", "started_at", "finished_at", "attempts")


class OutageViews(RecordViews):
    model = Outage
    table = OutageTable
    filterset = OutageFilterSet
    form = OutageForm
    select_related = ("contract", "service")
    detail_fields = ("contract", "service", "start", "end", "planned", "announced_at", "description")


class MaintenanceWindowViews(RecordViews):
    model = MaintenanceWindow
    table = MaintenanceWindowTable
    filterset = MaintenanceWindowFilterSet
    form = MaintenanceWindowForm
    select_related = ("contract",)
    detail_fields = ("contract", "start", "end", "announced_at", "description")


# ---- per contract -------------------------------------------------------------------------------

class ContractMixin(PermissionMixin):
    model = Ticket

    def get_contract(self):
        if not hasattr(self, "_contract"):
            self._contract = get_object_or_404(
                Contract.objects.restrict(self.request.user, "view").select_related("customer", "service_tier"),
                pk=self.kwargs["pk"])
        return self._contract


class ContractTicketsView(ContractMixin, BoundedTableMixin, FilterView):
    """A contract's service data: its tickets with filters, the import form and the latest import jobs."""

    table_class = TicketTable
    filterset_class = ContractTicketFilterSet

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":
            return ["core/partials/object_table.html"]
        return ["servicedata/contract_tickets.html"]

    def get_queryset(self):
        contract = self.get_contract()
        return self.restricted().filter(contract_id__in=sla.contract_ids(contract)).select_related(*TICKET_SELECT)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.get_contract()
        can_import = allowed(self.request.user, ImportJob, "add")
        context.update(
            contract=contract, model_meta=Ticket._meta, can_import=can_import,
            import_form=ImportForm(contract=contract, user=self.request.user) if can_import else None,
            can_add_profile=allowed(self.request.user, ImportProfile, "add"),
            jobs=ImportJob.objects.filter(contract=contract).select_related("created_by")[:5],
        )
        return context


class ContractImportView(ContractMixin, View):
    """POST a file: read with a profile (chosen, or recognised from the file's header as a built-in) or asked to be
    previewed, it is kept and previewed first (views.profiles.ImportPreviewView); in ServPlan's columns it becomes an
    import job at once. htmx gets the job's progress panel, a browser a redirect."""

    action = "add"
    model = ImportJob

    def post(self, request, pk):
        from ..intake import preview
        from .profiles import preview_redirect, stash_upload

        contract = self.get_contract()
        form = ImportForm(request.POST, request.FILES, contract=contract, user=request.user)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
            return hx_redirect(request, reverse("servicedata:contract_tickets", args=[contract.pk]))
        data = form.cleaned_data
        wants_preview = bool(data.get("profile")) or "preview" in request.POST
        if not wants_preview:
            recognised = preview.recognise(preview.read_header(data["format"], data["file"]), data["format"])
            if recognised is not None and recognised.key != "servplan":
                wants_preview, data["profile"] = True, f"builtin:{recognised.key}"
        if wants_preview:
            try:
                token = stash_upload(request, contract, data)
            except ValidationError as exc:
                messages.error(request, " ".join(error_messages(exc)))
                return hx_redirect(request, reverse("servicedata:contract_tickets", args=[contract.pk]))
            return preview_redirect(request, reverse("servicedata:contract_import_preview", args=[contract.pk, token]))
        try:
            job = services.import_file(contract, request.user, data["file"], fmt=data["format"],
                                       external_system=data["external_system"], time_zone=data["time_zone"])
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return hx_redirect(request, reverse("servicedata:contract_tickets", args=[contract.pk]))
        if getattr(request, "htmx", False):
            return render(request, ImportJobProgressView.template_name, {"job": job})
        messages.info(request, _t("Import of %(name)s started.") % {"name": job.name})
        return redirect(reverse("servicedata:contract_tickets", args=[contract.pk]) + f"?job={job.pk}")


class ImportJobProgressView(PermissionMixin, DetailView):
    """The progress panel of one import job; htmx re-fetches it every second until the job ends."""

    model = ImportJob
    template_name = "servicedata/partials/import_progress.html"
    context_object_name = "job"

    def get_queryset(self):
        return self.restricted().select_related("contract")


# ---- SLA dashboard ------------------------------------------------------------------------------

class SlaDashboardView(ContractMixin, TemplateView):
    template_name = "servicedata/sla_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.get_contract()
        year, month = services.parse_month(self.request.GET.get("month"), None) or sla.default_month(contract)
        metrics = sla.period_metrics(contract, year, month)
        trend = sla.monthly_trend(contract, year, month)
        previous = sla.last_months(year, month, 2)[0]
        following = (year + (month == 12), month % 12 + 1)
        # Honest charts: a month without service data is null (a gap), percent axes start at a floor that
        # shows both the data and the targets, every chart has a title and its units.
        response = [_round(f.percent) for f in metrics.response]
        resolution = [_round(f.percent) for f in metrics.resolution]
        targets = [f.target_percent for f in metrics.response]
        trend_values = {"response": [_round(p.response_percent) for p in trend],
                        "resolution": [_round(p.resolution_percent) for p in trend],
                        "availability": [_round(p.availability_percent, 3) for p in trend]}
        chart = {
            "priorities": [f.priority for f in metrics.response],
            "response": response, "resolution": resolution, "targets": targets,
            "priority_floor": sla.percent_axis_floor([*response, *resolution, *targets]),
            "trend": {"labels": [p.label for p in trend], **trend_values,
                      "volume": [p.volume if p.has_data else None for p in trend],
                      "floor": sla.percent_axis_floor([*(v for values in trend_values.values() for v in values),
                                                       metrics.availability_target])},
            "availability": _round(metrics.availability_percent, 3),
            "availability_target": metrics.availability_target,
            "gauge_floor": sla.percent_axis_floor([_round(metrics.availability_percent, 3),
                                                   metrics.availability_target], step=1),
            "labels": {"response": _t("Response achievement %"), "resolution": _t("Resolution achievement %"),
                       "target": _t("Target %"), "availability": _t("Availability %"), "volume": _t("Tickets"),
                       "trend": _t("Last 12 months"), "percent": "%", "count": _t("Tickets (count)"),
                       "availability_target": _t("Availability target"), "no_data": _t("no data")},
            "titles": {"priority": _t("Achievement per priority (%)"),
                       "availability": _t("Availability this month (%)"),
                       "trend": _t("12-month trend (%, tickets)")},
        }
        context.update(
            contract=contract, metrics=metrics, trend=trend, chart=chart, month=f"{year}-{month:02d}",
            previous_month=f"{previous[0]}-{previous[1]:02d}", next_month=f"{following[0]}-{following[1]:02d}",
            rows=list(zip(metrics.response, metrics.resolution, strict=True)),
            mttr=business_duration(metrics.mttr_seconds) if metrics.mttr_seconds is not None else "—",
            mtbf=business_duration(metrics.mtbf_seconds) if metrics.mtbf_seconds is not None else "—",
            downtime=business_duration(metrics.downtime_seconds),
            excused=business_duration(metrics.excused_seconds),
            can_recompute=allowed(self.request.user, Ticket, "recompute"),
            tier=contract.tier_in_force(),
        )
        return context


class SlaOverviewView(PermissionMixin, TemplateView):
    """Every contract in force the user may see, with this month's headline figures and its dashboard link."""

    model = Ticket
    template_name = "servicedata/sla_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = services.sla_overview(self.request.user)
        return context


def _round(value, digits=2):
    return None if value is None else round(value, digits)


class RecomputeView(LoginRequiredMixin, View):
    """Managers re-measure a contract's tickets with the current calendar and SLA (audited with counts): a background
    job (core.jobs) whose page shows its progress and links back to the dashboard."""

    def post(self, request, pk):
        if not allowed(request.user, Ticket, "recompute"):
            raise PermissionDenied
        contract = get_object_or_404(Contract.objects.restrict(request.user, "view"), pk=pk)
        since = None
        if request.POST.get("since"):
            try:
                since = date.fromisoformat(request.POST["since"])
            except ValueError:
                messages.error(request, _t("“%(value)s” is not a date.") % {"value": request.POST["since"][:20]})
                return hx_redirect(request, reverse("servicedata:sla_dashboard", args=[pk]))
        url = reverse("servicedata:sla_dashboard", args=[pk])
        if request.POST.get("month"):
            url += f"?month={request.POST['month'][:7]}"
        job = start_recompute(contract, request.user, since=since, comment=request.POST.get("comment", ""), link=url)
        messages.info(request, _t("The SLA clocks of %(contract)s are recomputed in the background.")
                      % {"contract": contract})
        url = job.get_absolute_url()
        return hx_redirect(request, url)
