"""Pages of the acceptance certificate: the record, generating it from the passed review, requesting acceptance, the
customer's decision (signed in, or a paper copy recorded by staff), the document offered, and the public signing
page of a one-time link (no account needed)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _t
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from core.permissions import allowed
from core.responses import error_messages
from core.roles import Role
from core.views import ObjectDetailView, RecordViews
from projects.views.project import ProjectRecordEditView

from ..filtersets import AcceptanceCertificateFilterSet
from ..forms.acceptance import (
    AcceptanceCertificateForm,
    LinkDecisionForm,
    PaperDecisionForm,
    PortalDecisionForm,
    RequestAcceptanceForm,
)
from ..models.acceptance import AcceptanceCertificate, CertificateStatus
from ..models.review import InternalReview
from ..services import acceptance as service
from ..tables import AcceptanceCertificateTable


def decisions_of(cert):
    return [{"acceptance": a, "valid": service.acceptance_valid(a)}
            for a in cert.acceptances.select_related("user", "recorded_by", "scan").order_by("decided_at", "pk")]


def customer_page(request, cert, form=None, status=200):
    """The certificate as its customer contact reads it: the certificate offered, their decisions and, while the
    acceptance is requested, the form to accept or reject (posted to the respond page). Nothing internal."""
    if form is None and cert.status == CertificateStatus.REQUESTED:
        contact = service.contact_of(request.user, cert)
        form = PortalDecisionForm(initial={"signer_title": contact.job_title if contact else ""})
    return render(request, "closure/acceptance_respond.html", {
        "certificate": cert, "form": form, "is_customer": True, "offered": service.offered_document(cert),
        "items": cert.items.all(), "open": cert.status == CertificateStatus.REQUESTED,
        "decisions": decisions_of(cert)}, status=status)


class CertificateDetailView(ObjectDetailView):
    customer_facing = True  # a customer contact gets their own reading of it (customer_page); share rules decide

    def get(self, request, *args, **kwargs):
        if Role.CUSTOMER in request.user.own_roles:
            cert = get_object_or_404(AcceptanceCertificate.objects.restrict(request.user, "view"), pk=kwargs["pk"])
            return customer_page(request, cert)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cert, user = self.object, self.request.user
        is_customer = Role.CUSTOMER in user.own_roles
        context.update(
            items=cert.items.all(), decisions=decisions_of(cert), is_customer=is_customer,
            links=[] if is_customer else cert.signing_links.select_related("contact", "sent_by"),
            offered=service.offered_document(cert),
            may_respond=cert.status == CertificateStatus.REQUESTED and allowed(user, cert, "accept"),
            may_send_links=cert.status == CertificateStatus.REQUESTED and allowed(user, cert, "request"),
        )
        return context


class GenerateCertificateView(LoginRequiredMixin, View):
    """POST from the passed review's page: the certificate drafted (or its next version) from the review."""

    def post(self, request, pk):
        review = get_object_or_404(InternalReview.objects.restrict(request.user, "view"), pk=pk)
        if not allowed(request.user, AcceptanceCertificate, "add"):
            raise PermissionDenied
        try:
            cert = service.generate_certificate(review, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return redirect(review.get_absolute_url())
        messages.success(request, _t("Generated %(number)s V%(version)s from %(review)s: check it and submit it for "
                                     "internal approval.") % {"number": cert.number, "version": cert.version,
                                                              "review": review.number})
        return redirect(cert.get_absolute_url())


class CertificatePageMixin(LoginRequiredMixin):
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.certificate = get_object_or_404(
                AcceptanceCertificate.objects.restrict(request.user, "view").select_related("project", "customer"),
                pk=kwargs["pk"])
            if not allowed(request.user, self.certificate, self.action):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.certificate}


class RequestAcceptanceView(CertificatePageMixin, FormView):
    """Request acceptance…: the document is fixed (PDF + SHA-256) and signing links go to the chosen contacts."""

    action = "request"
    template_name = "closure/acceptance_request.html"
    form_class = RequestAcceptanceForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.certificate.customer}

    def form_valid(self, form):
        contacts = list(form.cleaned_data["contacts"])
        try:
            if self.certificate.status == CertificateStatus.REQUESTED:
                links = service.send_more_links(self.certificate, self.request.user, contacts, self.request)
            else:
                links = service.request_acceptance(self.certificate, self.request.user, contacts, self.request)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Acceptance requested; %(n)s signing link(s) sent by e-mail.")
                         % {"n": len(links)})
        return redirect(self.certificate.get_absolute_url())


class RespondView(CertificatePageMixin, FormView):
    """Accept or reject: a customer contact decides here (customer view); staff record a copy signed on paper."""

    action = "accept"
    template_name = "closure/acceptance_respond.html"
    customer_facing = True  # the customer contact's page (core.middleware); restrict() and the share rule decide

    def customer(self):
        return Role.CUSTOMER in self.request.user.own_roles

    def get_form_class(self):
        return PortalDecisionForm if self.customer() else PaperDecisionForm

    def get_initial(self):
        if self.customer():
            contact = service.contact_of(self.request.user, self.certificate)
            return {"signer_title": contact.job_title if contact else ""}
        contact = self.certificate.customer.contacts.order_by("-primary", "name").first()
        return {"signer_name": contact.name if contact else "", "signer_title": contact.job_title if contact else "",
                "signer_organisation": str(self.certificate.customer)}

    def get(self, request, *args, **kwargs):
        if self.customer():
            return customer_page(request, self.certificate)
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form):
        """An incomplete or refused decision is answered 400, the form shown again with the reasons."""
        if self.customer():
            return customer_page(self.request, self.certificate, form=form, status=400)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.customer():
                service.decide_in_portal(self.certificate, self.request.user, data["decision"], data["comments"],
                                         data["signer_title"], request=self.request, score=data.get("score"),
                                         survey_comment=data.get("survey_comment", ""))
            else:
                service.record_paper(self.certificate, self.request.user, data["scan"], data["decision"],
                                     data["signer_name"], data["signer_title"], data["signer_organisation"],
                                     data["comments"], decided_on=data["decided_on"], request=self.request)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        self.certificate.refresh_from_db()
        messages.success(self.request, _t("%(number)s is now %(status)s.") % {
            "number": self.certificate.number, "status": self.certificate.get_status_display()})
        if self.customer():  # the customer's own page shows the recorded decision
            return redirect("closure:acceptancecertificate_respond", self.certificate.pk)
        return redirect(self.certificate.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "is_customer": self.customer(),
                "offered": service.offered_document(self.certificate), "items": self.certificate.items.all(),
                "open": self.certificate.status == CertificateStatus.REQUESTED,
                "decisions": decisions_of(self.certificate)}


def _pdf_response(attachment):
    response = FileResponse(attachment.file.open("rb"), content_type="application/pdf", filename=attachment.name)
    response["X-Content-SHA256"] = attachment.sha256
    return response


class OfferedDocumentView(CertificatePageMixin, View):
    """The exact PDF offered for acceptance (its SHA-256 is what a decision records)."""

    customer_facing = True

    def get(self, request, pk):
        attachment = service.offered_document(self.certificate)
        if attachment is None:
            raise Http404
        return _pdf_response(attachment)


@method_decorator(never_cache, name="dispatch")
class SignView(View):
    """The public page of a one-time signing link: the certificate, then name, title, organisation and decision.
    Used, expired and unknown links get a page that says so (status 410 / 404), never the certificate."""

    template_name = "closure/sign.html"

    def refused(self, request, exc, status=410):
        return render(request, "closure/sign_refused.html", {"reasons": error_messages(exc)}, status=status)

    def get(self, request, token):
        try:
            link = service.link_for(token)
        except ValidationError as exc:
            return self.refused(request, exc)
        if link.certificate.status != CertificateStatus.REQUESTED:
            return self.refused(request, ValidationError(_t("This certificate is no longer waiting for a decision.")))
        contact = link.contact
        form = LinkDecisionForm(initial={
            "certificate": link.certificate_id, "signer_name": contact.name if contact else "",
            "signer_title": contact.job_title if contact else "",
            "signer_organisation": str(link.certificate.customer)})
        return self.page(request, link, form)

    def page(self, request, link, form, status=200):
        cert = link.certificate
        return render(request, self.template_name, {"link": link, "certificate": cert, "items": cert.items.all(),
                                                    "form": form, "token": self.kwargs["token"]}, status=status)

    def post(self, request, token):
        try:
            link = service.link_for(token)
        except ValidationError as exc:
            return self.refused(request, exc)
        form = LinkDecisionForm(request.POST)
        if not form.is_valid():
            return self.page(request, link, form, status=400)
        data = form.cleaned_data
        try:
            acceptance = service.decide_by_link(token, data["certificate"], data["decision"], data["signer_name"],
                                                data["signer_title"], data["signer_organisation"],
                                                data["comments"], request=request, score=data.get("score"),
                                                survey_comment=data.get("survey_comment", ""))
        except ValidationError as exc:
            return self.refused(request, exc, status=409)
        return render(request, "closure/sign_done.html", {"acceptance": acceptance,
                                                          "certificate": acceptance.certificate})


class SignDocumentView(View):
    """The PDF behind a signing link, while the link may still be used."""

    def get(self, request, token):
        try:
            link = service.link_for(token)
        except ValidationError:
            raise Http404 from None
        attachment = service.offered_document(link.certificate)
        if attachment is None:
            raise Http404
        return _pdf_response(attachment)


class CertificateEditView(ProjectRecordEditView):
    prefill = ("project", "review")


class AcceptanceCertificateViews(RecordViews):
    model = AcceptanceCertificate
    table = AcceptanceCertificateTable
    filterset = AcceptanceCertificateFilterSet
    form = AcceptanceCertificateForm
    select_related = ("owner_department", "author", "project")
    detail_view = CertificateDetailView
    edit_view = CertificateEditView
    detail_fields = ("project", "review", "period_start", "period_end", "deliverables", "statement",
                     "document_sha256", "requested_at", "requested_by", "owner_department", "confidentiality",
                     "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("acceptancecertificate/from-review/<int:pk>/", GenerateCertificateView.as_view(),
                     name="acceptancecertificate_generate"),
                path("acceptancecertificate/<int:pk>/request/", RequestAcceptanceView.as_view(),
                     name="acceptancecertificate_request"),
                path("acceptancecertificate/<int:pk>/respond/", RespondView.as_view(),
                     name="acceptancecertificate_respond"),
                path("acceptancecertificate/<int:pk>/document/", OfferedDocumentView.as_view(),
                     name="acceptancecertificate_document"),
                path("sign/<str:token>/", SignView.as_view(), name="sign"),
                path("sign/<str:token>/document/", SignDocumentView.as_view(), name="sign_document")]
