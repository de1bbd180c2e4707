"""The customer's own view (SP-4.5.1, SP-4.5.3): a customer contact's home and the pages of what is shared with
them. Every page fetches through `restrict()`, so the matrix, the customer's reach (their own organisation) and
each model's share rule decide (core.scopes); the company's pages stay closed to them
(core.middleware.OutsidePagesMiddleware). A member of staff who may read the record opens the same page as a
preview of what the customer sees once it is shared. The staff's side: giving a contact a sign-in.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic import TemplateView

from closure.models import AcceptanceCertificate, CertificateStatus
from contracts.models import Contract, ServiceLevelAgreement
from core import display
from core.responses import error_messages
from core.roles import is_outside
from customers.models import Contact
from reporting.models import MeetingMinutes, MonthlyServiceReport, ReportProfile
from reporting.services import agreement, satisfaction

from . import services
from .forms import SignInForm


def export_url(record, fmt="pdf"):
    meta = record._meta
    return reverse(f"{meta.app_label}:{meta.model_name}_export", args=[record.pk]) + f"?format={fmt}"


def fields(obj, names):
    return [(obj._meta.get_field(name).verbose_name, display.field_value(obj, name)) for name in names]


class PortalView(LoginRequiredMixin):
    customer_facing = True  # the customer contact's pages (core.middleware.OutsidePagesMiddleware)

    def shared(self, model):
        return model.objects.restrict(self.request.user, "view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = not is_outside(self.request.user)
        return context


class HomeView(PortalView, TemplateView):
    """The customer contact's home: their contracts and SLAs in force, issued reports, distributed minutes,
    acceptance requests, the report profile to agree and the surveys waiting."""

    template_name = "portal/home.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_outside(request.user):
            return redirect("core:home")  # the company's people have their own home
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        contact = Contact.objects.filter(user=user).select_related("customer").first()
        contracts = list(self.shared(Contract).select_related("customer").order_by("-start_date", "number"))
        slas = {}
        for sla in self.shared(ServiceLevelAgreement).order_by("-effective_from"):
            slas.setdefault(sla.contract_id, []).append(sla)
        context.update(
            contact=contact,
            contracts=[(contract, slas.get(contract.pk, [])) for contract in contracts],
            reports=self.shared(MonthlyServiceReport).select_related("contract").order_by("-year", "-month")[:36],
            minutes=self.shared(MeetingMinutes).select_related("meeting").order_by("-created")[:24],
            profiles=self.shared(ReportProfile).select_related("contract").order_by("contract__number"),
            acceptances=self.acceptance_requests(),
            surveys=self.surveys(),
            to_agree=self.profiles_to_agree(),
        )
        return context

    def acceptance_requests(self):
        """Acceptance certificates waiting for the customer's answer (closure): each with its answer page."""
        waiting = self.shared(AcceptanceCertificate).filter(status=CertificateStatus.REQUESTED).order_by("-pk")
        return [(certificate, reverse("closure:acceptancecertificate_respond", args=[certificate.pk]))
                for certificate in waiting]

    def surveys(self):
        """Issued reports the contact has not rated yet (reporting.services.satisfaction), each with its survey."""
        return [(report, reverse("reporting:satisfaction_answer", args=[report.pk]))
                for report in satisfaction.pending_for(self.request.user)]

    def profiles_to_agree(self):
        """Report settings in force the contact has not agreed yet (reporting.services.agreement)."""
        return [(profile, reverse("reporting:reportprofile_agree", args=[profile.pk]))
                for profile in agreement.waiting_for(self.request.user)]


class ContractView(PortalView, TemplateView):
    template_name = "portal/contract.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = get_object_or_404(self.shared(Contract).select_related("customer"), pk=kwargs["pk"])
        context.update(
            object=contract,
            fields=fields(contract, ("number", "version", "customer", "start_date", "end_date", "service_tier",
                                     "service_sites", "signed_on")),
            services=contract.service_lines.select_related("service", "tier"),
            slas=self.shared(ServiceLevelAgreement).filter(contract=contract).order_by("-effective_from"),
            reports=self.shared(MonthlyServiceReport).filter(contract=contract).order_by("-year", "-month"),
            profiles=self.shared(ReportProfile).filter(contract=contract),
            pdf=export_url(contract),
        )
        return context


class SlaView(PortalView, TemplateView):
    template_name = "portal/sla.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sla = get_object_or_404(self.shared(ServiceLevelAgreement).select_related("contract"), pk=kwargs["pk"])
        context.update(
            object=sla,
            fields=fields(sla, ("number", "version", "contract", "effective_from", "service_window",
                                "availability_target", "rto_minutes", "rpo_minutes", "max_tickets_per_month",
                                "continuity", "signed_on")),
            targets=sla.priority_targets.all(),
            pdf=export_url(sla),
        )
        return context


class ReportView(PortalView, TemplateView):
    """An issued monthly report with its figures (frozen when generated), as the customer received it."""

    template_name = "portal/monthlyservicereport.html"

    def get_context_data(self, **kwargs):
        from reporting.figures import category_rows, format_row, month_on_month, problem_rows, table_columns
        from reporting.views import _chart_data

        context = super().get_context_data(**kwargs)
        report = get_object_or_404(self.shared(MonthlyServiceReport).select_related("contract"), pk=kwargs["pk"])
        data = report.snapshot or {}
        context.update(
            object=report, data=data, columns=table_columns(),
            rows=[(row, format_row(row)) for row in data.get("table", [])],
            analyses=list(report.analyses.all()),
            change=month_on_month(data["volume"]["current"], data["volume"]["previous"]) if data else None,
            chart=_chart_data(data) if data else None,
            category_rows=category_rows(data["categories"]) if data else [],
            problem_rows=problem_rows(data["problems"]) if data else [],
            pdf=export_url(report),
            survey=reverse("reporting:satisfaction_answer", args=[report.pk])
            if report in satisfaction.pending_for(self.request.user) else None,
        )
        return context


class MinutesView(PortalView, TemplateView):
    template_name = "portal/meetingminutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        minutes = get_object_or_404(self.shared(MeetingMinutes).select_related("meeting"), pk=kwargs["pk"])
        context.update(object=minutes, pdf=export_url(minutes))
        return context


# ---- the staff's side: a contact's sign-in ------------------------------------------------------------------------

class ContactSignInView(LoginRequiredMixin, View):
    """Give a contact a sign-in: the user name (their e-mail address by default), then the one-time password is
    shown once, to be handed to the contact."""

    template_name = "portal/contact_sign_in.html"

    def contact(self, pk):
        contact = get_object_or_404(Contact.objects.restrict(self.request.user, "view").select_related("customer"),
                                    pk=pk)
        if not services.may_give_sign_in(contact, self.request.user):
            raise PermissionDenied
        return contact

    def get(self, request, pk):
        contact = self.contact(pk)
        form = SignInForm(initial={"username": contact.email, "email": contact.email})
        return render(request, self.template_name, {"contact": contact, "form": form})

    def post(self, request, pk):
        contact = self.contact(pk)
        form = SignInForm(request.POST)
        if form.is_valid():
            try:
                user, password = services.give_sign_in(contact, request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error_messages(error):
                    form.add_error(None, message)
            else:
                return render(request, self.template_name, {"contact": contact, "given": user, "password": password})
        return render(request, self.template_name, {"contact": contact, "form": form}, status=400)


class ContactRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        contact = get_object_or_404(Contact.objects.restrict(request.user, "view"), pk=pk)
        try:
            services.revoke_sign_in(contact, request.user)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _t("%(contact)s can no longer sign in.") % {"contact": contact})
        return redirect(contact.customer.get_absolute_url())
