"""Pages of information security incidents: the record (with its timeline), marking a ticket, the settings."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _t
from django.views.generic import TemplateView

from core import audit
from core.permissions import allowed
from core.views import ObjectDetailView, RecordViews
from servicedata.models import Ticket

from . import services
from .filtersets import SecurityIncidentFilterSet
from .forms import ChainFormSet, MarkTicketForm, SecurityIncidentForm, SecuritySettingsForm
from .models import SecurityIncident, SecuritySettings
from .tables import SecurityIncidentTable


class SecurityIncidentDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        context.update(timeline=services.timeline(incident),
                       tasks=incident.tasks.select_related("owner"),
                       linked_tickets=incident.tickets.all()[:50],
                       acknowledge_minutes=services.settings_record().acknowledge_minutes,
                       acknowledged_after=services.acknowledged_after(incident))
        return context


class SecurityIncidentViews(RecordViews):
    model = SecurityIncident
    table = SecurityIncidentTable
    filterset = SecurityIncidentFilterSet
    form = SecurityIncidentForm
    detail_view = SecurityIncidentDetailView
    select_related = ("contract", "author")
    detail_fields = ("contract", "severity", "detection", "keyword", "detected_by", "description", "reported_at",
                     "acknowledged_at", "acknowledged_by", "escalation_level", "project_manager", "solution",
                     "verification", "verified_on", "verified_by", "change_note")


class MarkTicketView(LoginRequiredMixin, TemplateView):
    """“Mark as information security” on a ticket: GET asks the severity and what happened; POST opens the
    incident (or opens the one the ticket has)."""

    template_name = "security/mark_ticket.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.ticket = get_object_or_404(Ticket.objects.restrict(request.user, "view"), pk=kwargs["pk"])
            if not allowed(request.user, SecurityIncident, "add"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(ticket=self.ticket, form=kwargs.get("form") or MarkTicketForm(),
                       existing=services.incident_of(self.ticket))
        return context

    def post(self, request, pk):
        form = MarkTicketForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        incident, created = services.mark_by_hand(self.ticket, request.user, **form.cleaned_data)
        if incident is None:
            messages.error(request, _t("No Technical Service Division director is set up to receive the incident."))
            return redirect(self.ticket.get_absolute_url())
        if created:
            messages.success(request, _t("Opened %(incident)s; the director is told at once.") % {"incident": incident})
        else:
            messages.info(request, _t("This ticket's incident is %(incident)s.") % {"incident": incident.number})
        visible = SecurityIncident.objects.restrict(request.user, "view").filter(pk=incident.pk).exists()
        return redirect(incident.get_absolute_url() if visible else self.ticket.get_absolute_url())


class SettingsView(LoginRequiredMixin, TemplateView):
    """The company's security settings: keyword rules, the import column, acknowledgement time, escalation chain
    (the TSD director and the administrator change them; the Service Department manager and the auditor read)."""

    template_name = "security/settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not allowed(request.user, SecuritySettings, "view"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        config = services.settings_record()
        context.update(config=config, can_change=allowed(self.request.user, SecuritySettings, "change"),
                       form=kwargs.get("form") or SecuritySettingsForm(instance=config),
                       chain_formset=kwargs.get("chain_formset") or ChainFormSet(instance=config, prefix="chain"),
                       people=services.chain(config), directors=services.directors(config))
        return context

    def post(self, request):
        if not allowed(request.user, SecuritySettings, "change"):
            raise PermissionDenied
        config = services.settings_record()
        before = audit.snapshot(config)
        form = SecuritySettingsForm(request.POST, instance=config)
        chain_formset = ChainFormSet(request.POST, instance=config, prefix="chain")
        if not (form.is_valid() and chain_formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, chain_formset=chain_formset))
        with transaction.atomic():
            form.save()
            chain_formset.save()
            audit.log_update(config, before, comment=_t("Chain: %(people)s")
                             % {"people": ", ".join(str(p) for p in services.chain(config)) or "-"},
                             user=request.user)
        messages.success(request, _t("Saved the information security settings."))
        return redirect("security:settings")


def urlpatterns_of():
    return [*SecurityIncidentViews.urls(),
            path("ticket/<int:pk>/mark/", MarkTicketView.as_view(), name="mark_ticket"),
            path("settings/", SettingsView.as_view(), name="settings")]
