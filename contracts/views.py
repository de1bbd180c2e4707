from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.generic.edit import FormView

from core.permissions import allowed
from core.record_actions import RecordActionView
from core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    PrefilledEditView,
    RecordViews,
    error_messages,
)

from . import review as review_rule
from . import services
from .choices import ReviewStatus
from .diff import contract_changes, sla_changes
from .filtersets import ContractFilterSet, ContractReviewFilterSet, ServiceLevelAgreementFilterSet
from .forms import (
    ContractForm,
    ContractReviewForm,
    FromProposalForm,
    OpinionForm,
    ServiceLevelAgreementForm,
    SignForm,
)
from .models import Contract, ContractReview, ReviewOpinion, ServiceLevelAgreement, SignatoryParty
from .tables import ContractReviewTable, ContractTable, ServiceLevelAgreementTable


class ContractDeleteView(ObjectDeleteView):
    """A draft contract goes with its draft SLA."""

    delete_service = staticmethod(services.delete_draft_contract)


# ---- contracts ------------------------------------------------------------------------------------

class ContractDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
        reviews = list(contract.reviews.select_related("author").prefetch_related("opinions")
                       .order_by("-created"))
        context.update(
            service_lines=contract.service_lines.select_related("service", "tier"),
            milestones=contract.milestones.all(),
            signatories=contract.signatories.all(),
            milestone_total=sum(m.amount for m in contract.milestones.all()),
            sla=contract.sla(),
            reviews=reviews,
            review_outcome=review_rule.outcome(reviews[0]) if reviews else None,
            can_start_review=services.may_start_review(contract, user),
            changes=contract_changes(contract),
            sla_in_force=contract.sla_for(timezone.localdate()) if contract.is_signed else None,
        )
        return context


class ContractFromProposalView(LoginRequiredMixin, FormView):
    """Sales drafts the contract from an approved proposal (SP-4.1.5): services, SLA and price carried over."""

    template_name = "contracts/contract_from_proposal.html"
    form_class = FromProposalForm

    def dispatch(self, request, *args, **kwargs):
        from presales.models import PresalesProposal

        if request.user.is_authenticated:
            if not allowed(request.user, Contract, "add"):
                raise PermissionDenied
            self.proposal = get_object_or_404(PresalesProposal.objects.restrict(request.user, "view")
                                              .select_related("requirement__contract", "customer"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        changed = self.proposal.requirement.contract
        title = changed.title if changed else self.proposal.title.replace(_t("pre-sales proposal"),
                                                                          _t("service contract"))
        return {"title": title, "start_date": changed.start_date if changed else timezone.localdate(),
                "end_date": changed.end_date if changed else None, "owner_department": self.request.user.department}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            contract = services.contract_from_proposal(
                self.proposal, self.request.user, title=data["title"], start_date=data["start_date"],
                end_date=data.get("end_date"), effective_from=data.get("effective_from"),
                owner_department=data["owner_department"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Drafted %(contract)s from %(proposal)s: check the services, SLA and "
                                          "payment milestones.") % {"contract": contract,
                                                                     "proposal": self.proposal.number})
        return redirect(contract.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(proposal=self.proposal, changed=self.proposal.requirement.contract)
        return context


class ContractSignView(LoginRequiredMixin, FormView):
    """Sign…: who signed for each party, with title and date, then the contract is signed (and its SLA with it)."""

    template_name = "contracts/contract_sign.html"
    form_class = SignForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.contract = get_object_or_404(Contract.objects.restrict(request.user, "view")
                                              .select_related("customer"), pk=kwargs["pk"])
            if not allowed(request.user, self.contract, "sign"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parties": [(p.value, p.label) for p in SignatoryParty]}

    def get_initial(self):
        initial = {}
        for party, values in services.signatory_defaults(self.contract).items():
            initial.update({f"{party}_{name}": value for name, value in values.items()})
        return initial

    def form_valid(self, form):
        try:
            outcome = services.sign_contract(self.contract, self.request.user, form.signatories(),
                                             comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, outcome.message)
        return redirect(self.contract.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contract": self.contract,
                "company": settings.SERVPLAN_COMPANY_NAME}


class ContractViews(RecordViews):
    model = Contract
    table = ContractTable
    filterset = ContractFilterSet
    form = ContractForm
    select_related = ("owner_department", "author", "customer", "service_tier")
    detail_view = ContractDetailView
    delete_view = ContractDeleteView
    detail_fields = ("proposal", "start_date", "end_date", "value", "customer_signatory",
                     "company_signatory", "service_sites", "payment_terms", "renewal_terms", "termination_terms",
                     "confidentiality_terms", "involves_procurement", "service_tier", "calendar",
                     "monthly_ticket_limit", "user_limit", "signed_on", "signed_by", "owner_department",
                     "confidentiality", "retention_years", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("contract/from-proposal/<int:pk>/", ContractFromProposalView.as_view(),
                     name="contract_from_proposal"),
                path("contract/<int:pk>/sign/", ContractSignView.as_view(), name="contract_sign")]


# ---- SLAs -----------------------------------------------------------------------------------------

class SlaDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sla = self.object
        context.update(priority_targets=sla.priority_targets.all(), contract=sla.contract,
                       services=sla.contract.service_lines.select_related("service", "tier"),
                       changes=sla_changes(sla.predecessor, sla) if sla.predecessor_id else [])
        return context


class SlaEditView(PrefilledEditView):
    prefill = ("contract",)  # "Draft the SLA" from a contract that has none


class ServiceLevelAgreementViews(RecordViews):
    model = ServiceLevelAgreement
    edit_view = SlaEditView
    table = ServiceLevelAgreementTable
    filterset = ServiceLevelAgreementFilterSet
    form = ServiceLevelAgreementForm
    select_related = ("contract", "customer", "owner_department", "author")
    detail_view = SlaDetailView
    detail_fields = ("contract", "effective_from", "signed_on", "source_tier", "service_window",
                     "availability_target", "rto_minutes", "rpo_minutes", "continuity", "max_tickets_per_month",
                     "max_users", "max_devices", "change_note")


# ---- contract reviews -----------------------------------------------------------------------------

class ReviewDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, user = self.object, self.request.user
        outcome = review_rule.outcome(review)
        required = {d.pk for d in outcome.required}
        opinions = list(review.opinions.select_related("department", "signer"))
        may_give = review.status == ReviewStatus.IN_REVIEW and allowed(user, ReviewOpinion, "change")
        context.update(
            contract=review.contract,
            outcome=outcome,
            opinions=[(o, o.department_id in required,
                       OpinionForm(instance=o, prefix=f"op{o.pk}",
                                   initial={"verdict": o.verdict or "agree"})
                       if may_give and o.department_id == user.department_id else None)
                      for o in opinions],
        )
        return context


class GiveOpinionView(RecordActionView):
    """POST verdict + comment for the opinion row of the user's department."""

    def act(self, review, request):
        opinion = get_object_or_404(review.opinions, pk=self.kwargs["opinion"])
        # The form validates a copy: the row itself stays as stored until give_opinion audits the change.
        form = OpinionForm(request.POST, instance=ReviewOpinion.objects.get(pk=opinion.pk), prefix=f"op{opinion.pk}")
        if not form.is_valid():
            raise ValidationError(error_messages(ValidationError(form.errors)))
        services.give_opinion(opinion, request.user, form.cleaned_data["verdict"], form.cleaned_data["comment"])
        review.refresh_from_db()
        messages.success(request, _t("Opinion of %(department)s recorded.") % {"department": opinion.department})


class ReviewEditView(PrefilledEditView):
    prefill = ("contract",)


class ContractReviewViews(RecordViews):
    model = ContractReview
    table = ContractReviewTable
    filterset = ContractReviewFilterSet
    form = ContractReviewForm
    select_related = ("contract", "customer", "owner_department", "author")
    detail_view = ReviewDetailView
    edit_view = ReviewEditView
    detail_fields = ("contract", "owner_department", "confidentiality", "conclusion", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("contractreview/<int:pk>/opinion/<int:opinion>/",
                     GiveOpinionView.as_view(model=cls.model, views=cls), name="contractreview_opinion")]
