"""Procurement's pages: the plan (items, budget, who approves, each item's implementation, its tenders), an item's
implementation and the exception to the qualified list, the tender (bids, blind scoring, ranking, proposal)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.views import View

from contracts.models import Contract, ContractReview
from core import audit
from core.permissions import allowed
from core.responses import error_html, error_messages, hx_redirect
from core.views import ObjectDetailView, ObjectEditView, RecordViews
from suppliers.services import qualification

from . import services, tendering
from .choices import PlanStatus, TenderStatus
from .filtersets import ProcurementPlanFilterSet, TenderFilterSet
from .forms import (
    BidForm,
    ExceptionDecisionForm,
    ExceptionRequestForm,
    ProcurementPlanForm,
    ProposeForm,
    PurchaseForm,
    TenderForm,
)
from .models import Bid, ProcurementPlan, Purchase, Tender, major_amount, money
from .tables import ProcurementPlanTable, TenderTable

# ---- the plan ---------------------------------------------------------------------------------------------------


class PlanEditView(ObjectEditView):
    """?contract= and ?contract_review= (the "Draft procurement plan" button, the work-queue item) prefill them."""

    def get_initial(self):
        initial = super().get_initial()
        if self.object is not None:
            return initial
        user = self.request.user
        review_id, contract_id = self.request.GET.get("contract_review", ""), self.request.GET.get("contract", "")
        review = ContractReview.objects.restrict(user, "view").filter(pk=review_id).first() \
            if review_id.isdigit() else None
        contract = Contract.objects.restrict(user, "view").filter(pk=contract_id).first() \
            if contract_id.isdigit() else None
        contract = contract or (review.contract if review is not None else None)
        if contract is not None:
            initial.update(contract=contract, title=_t("Procurement plan: %(contract)s") % {"contract": contract.title})
        if review is not None and contract is not None and review.contract.number == contract.number:
            initial["contract_review"] = review
        return initial


def purchase_rows(plan, user, today):
    """(item, purchase, qualification of its supplier today, may change) per item."""
    rows = []
    for item in plan.items.select_related("purchase__supplier", "purchase__tender",
                                          "purchase__exception_supplier"):
        purchase = getattr(item, "purchase", None)
        qualified = qualification(purchase.supplier, on=today) if purchase and purchase.supplier_id else None
        may_change = purchase is not None and plan.status == PlanStatus.APPROVED and not purchase.accepted_on \
            and allowed(user, purchase, "change")
        rows.append((item, purchase, qualified, may_change))
    return rows


class PlanDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        today = timezone.localdate()
        context.update(
            items=list(plan.items.all()), budget=money(plan.budget), major=plan.is_major,
            major_amount=money(major_amount()), purchases=purchase_rows(plan, user, today), today=today,
            tenders=list(Tender.objects.restrict(user, "view").filter(plan__number=plan.number)
                         .order_by("-created")),
            may_tender=plan.status == PlanStatus.APPROVED and allowed(user, Tender(plan=plan), "add"),
            may_decide=allowed(user, Purchase, "approve_exception"),
        )
        return context


class ProcurementPlanViews(RecordViews):
    model = ProcurementPlan
    table = ProcurementPlanTable
    filterset = ProcurementPlanFilterSet
    form = ProcurementPlanForm
    edit_view = PlanEditView
    detail_view = PlanDetailView
    select_related = ("owner_department", "author", "contract", "project")
    detail_fields = ("contract", "project", "contract_review", "purpose", "owner_department", "change_note")


# ---- an item's implementation ---------------------------------------------------------------------------------------

class PurchaseMixin(LoginRequiredMixin):
    def get_purchase(self, action="view"):
        purchase = get_object_or_404(Purchase.objects.restrict(self.request.user, "view")
                                     .select_related("item__plan"), pk=self.kwargs["pk"])
        if action != "view" and not allowed(self.request.user, purchase, action):
            raise PermissionDenied
        return purchase

    def back(self, purchase):
        return hx_redirect(self.request, purchase.item.plan.get_absolute_url() + f"#purchase-{purchase.pk}")


class PurchaseEditView(PurchaseMixin, View):
    """Record the supplier and each stage's date; accepting writes the supplier's performance."""

    def get(self, request, pk):
        purchase = self.get_purchase("change")
        return self.page(purchase, PurchaseForm(instance=purchase, user=request.user))

    def page(self, purchase, form):
        from django.utils import timezone

        return render(self.request, "procurement/purchase_edit.html", {
            "object": purchase, "plan": purchase.item.plan, "form": form,
            "qualified": qualification(purchase.supplier, on=purchase.ordered_on or timezone.localdate())
            if purchase.supplier_id else None,
            "request_form": ExceptionRequestForm(prefix="exception")})

    def post(self, request, pk):
        purchase = self.get_purchase("change")
        before = audit.snapshot(purchase)
        form = PurchaseForm(request.POST, instance=purchase, user=request.user)
        if not form.is_valid():
            return self.page(purchase, form)
        try:
            services.save_purchase(form.save(commit=False), request.user, before)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            purchase.refresh_from_db()
            return self.page(purchase, form)
        messages.success(request, _t("Saved %(obj)s.") % {"obj": purchase})
        return self.back(purchase)


class PurchaseExceptionView(PurchaseMixin, View):
    """Ask Commerce to allow the chosen supplier though it is not qualified."""

    def post(self, request, pk):
        purchase = self.get_purchase("change")
        form = ExceptionRequestForm(request.POST, prefix="exception")
        try:
            if not form.is_valid():
                raise ValidationError(_t("Give the reason for choosing a supplier that is not qualified."))
            services.request_exception(purchase, request.user, form.cleaned_data["reason"])
            messages.success(request, _t("The exception is asked for: Commerce decides it."))
        except ValidationError as exc:
            messages.error(request, error_html(exc))
        return self.back(purchase)


class PurchaseDecisionView(PurchaseMixin, View):
    """Commerce approves or refuses the exception."""

    def post(self, request, pk):
        purchase = self.get_purchase("approve_exception")
        form = ExceptionDecisionForm(request.POST, prefix="decision")
        try:
            if not form.is_valid():
                raise ValidationError(_t("Choose whether to approve or refuse the exception."))
            approve = form.cleaned_data["decision"] == "approve"
            services.decide_exception(purchase, request.user, approve, form.cleaned_data["comment"])
            messages.success(request, _t("Exception approved.") if approve else _t("Exception refused."))
        except ValidationError as exc:
            messages.error(request, error_html(exc))
        return self.back(purchase)


# ---- the tender ----------------------------------------------------------------------------------------------------

class TenderEditView(ObjectEditView):
    """?plan= (from the plan's page) chooses the plan."""

    def get_initial(self):
        initial = super().get_initial()
        value = self.request.GET.get("plan", "")
        if self.object is None and value.isdigit():
            plan = ProcurementPlan.objects.restrict(self.request.user, "view").filter(pk=value).first()
            if plan is not None:
                initial.update(plan=plan, title=_t("Tender: %(plan)s") % {"plan": plan.title})
        return initial


class TenderDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tender, user = self.object, self.request.user
        criteria = tendering.criteria_of(tender)
        evaluators = list(tender.evaluators.select_related("user"))
        bids = list(tender.bids.select_related("supplier", "attachment"))
        received = [bid for bid in bids if bid.received]
        visible = tendering.visible_scores(tender, user)
        complete = tender.scores_complete and tendering.is_complete(tender)
        is_evaluator = any(e.user_id == user.pk for e in evaluators)
        matrix = [(bid, [(criterion, [(e, visible.get((e.user_id, bid.pk, criterion.pk))) for e in evaluators
                                      if complete or e.user_id == user.pk]) for criterion in criteria])
                  for bid in received]
        context.update(
            criteria=criteria, evaluators=evaluators, bids=bids, received=received, complete=complete,
            matrix=matrix, ranking=tendering.ranking(tender) if complete else [],
            bid_rows=[(bid, qualification(bid.supplier) if bid.supplier_id else None) for bid in bids],
            may_score=tender.status == TenderStatus.EVALUATION and is_evaluator,
            evaluator_rows=[(e, bool(received) and tendering.evaluator_done(tender, e.user)) for e in evaluators],
            may_record_bids=tender.status in tendering.BID_STATES and allowed(user, Bid(tender=tender), "add"),
            may_name_supplier=tender.status in (TenderStatus.EVALUATION, TenderStatus.IN_REVIEW)
            and allowed(user, Bid(tender=tender), "change"),
            best=tendering.best_bid(tender) if complete else None,
            awarded_items=list(Purchase.objects.filter(tender=tender).select_related("item", "supplier")),
        )
        return context


class TenderMixin(LoginRequiredMixin):
    def get_tender(self):
        return get_object_or_404(Tender.objects.restrict(self.request.user, "view"), pk=self.kwargs["pk"])


class ScoreView(TenderMixin, View):
    """An evaluator's own scores: fields score-<bid>-<criterion> and note-<bid>-<criterion>."""

    def post(self, request, pk):
        tender = self.get_tender()
        values, errors = {}, []
        for bid in tendering.bids_received(tender):
            for criterion in tendering.criteria_of(tender):
                raw = request.POST.get(f"score-{bid.pk}-{criterion.pk}", "").strip()
                note = request.POST.get(f"note-{bid.pk}-{criterion.pk}", "").strip()[:300]
                if not raw:
                    continue
                try:
                    from decimal import Decimal

                    score = Decimal(raw)
                    if not 0 <= score <= 100:
                        raise ValueError
                except (ValueError, ArithmeticError):
                    errors.append(_t("%(bid)s · %(criterion)s: a score is a number from 0 to 100.")
                                  % {"bid": bid.bidder, "criterion": criterion.name})
                    continue
                values[(bid.pk, criterion.pk)] = (score, note)
        try:
            if errors:
                raise ValidationError(errors)
            tendering.save_scores(tender, request.user, values)
            messages.success(request, _t("Your scores are saved."))
        except ValidationError as exc:
            messages.error(request, error_html(exc))
        return hx_redirect(request, tender.get_absolute_url() + "#scores")


class BidAddView(TenderMixin, View):
    """A bid received, or a bidder who came forward to an open tender (while bidding)."""

    def get(self, request, pk):
        tender = self.get_tender()
        self.check(tender)
        return self.page(tender, BidForm(user=request.user, tender=tender), None)

    def check(self, tender, bid=None):
        if not allowed(self.request.user, bid or Bid(tender=tender), "change" if bid else "add"):
            raise PermissionDenied

    def page(self, tender, form, bid):
        return render(self.request, "procurement/bid_edit.html", {"tender": tender, "form": form, "object": bid})

    def post(self, request, pk):
        tender = self.get_tender()
        self.check(tender)
        return self.save(tender, BidForm(request.POST, user=request.user, tender=tender), None)

    def save(self, tender, form, bid):
        from core import records

        if not form.is_valid():
            return self.page(tender, form, bid)
        before = audit.snapshot(bid) if bid is not None else None
        row = form.save(commit=False)
        row.tender = tender
        try:
            with transaction.atomic():
                if before is None:
                    records.create(row, self.request.user)
                else:
                    records.update(row, self.request.user, before)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.page(tender, form, bid)
        messages.success(self.request, _t("Saved %(obj)s.") % {"obj": row})
        return hx_redirect(self.request, tender.get_absolute_url() + "#bids")


class BidEditView(BidAddView):
    def get_bid(self):
        bid = get_object_or_404(Bid.objects.restrict(self.request.user, "view").select_related("tender"),
                                pk=self.kwargs["pk"])
        self.check(bid.tender, bid)
        return bid

    def get(self, request, pk):
        bid = self.get_bid()
        return self.page(bid.tender, BidForm(instance=bid, user=request.user), bid)

    def post(self, request, pk):
        bid = self.get_bid()
        return self.save(bid.tender, BidForm(request.POST, instance=bid, user=request.user), bid)


class ProposeView(TenderMixin, View):
    """The winner proposed to Commerce: the best ranked bid, or another with the reason."""

    def get(self, request, pk):
        tender = self.get_tender()
        return self.page(tender, ProposeForm(tender=tender, ranked=tendering.ranking(tender)))

    def page(self, tender, form):
        return render(self.request, "procurement/tender_propose.html",
                      {"object": tender, "form": form, "ranking": tendering.ranking(tender)})

    def post(self, request, pk):
        tender = self.get_tender()
        ranked = tendering.ranking(tender)
        form = ProposeForm(request.POST, tender=tender, ranked=ranked)
        if not form.is_valid():
            return self.page(tender, form)
        try:
            outcome = tendering.propose(tender, request.user, form.cleaned_data["bid"], form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.page(tender, form)
        messages.success(request, outcome.message)
        return redirect(tender.get_absolute_url())


class TenderViews(RecordViews):
    model = Tender
    table = TenderTable
    filterset = TenderFilterSet
    form = TenderForm
    edit_view = TenderEditView
    detail_view = TenderDetailView
    select_related = ("owner_department", "author", "plan")
    detail_fields = ("plan", "method", "invited_on", "bid_deadline", "requirements", "proposed_bid",
                     "proposal_reason", "owner_department", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("tender/<int:pk>/scores/", ScoreView.as_view(), name="tender_scores"),
                path("tender/<int:pk>/bid/add/", BidAddView.as_view(), name="tender_bid_add"),
                path("tender/<int:pk>/propose/", ProposeView.as_view(), name="tender_propose"),
                path("bid/<int:pk>/edit/", BidEditView.as_view(), name="bid_edit")]


def purchase_urls():
    return [path("purchase/<int:pk>/edit/", PurchaseEditView.as_view(), name="purchase_edit"),
            path("purchase/<int:pk>/exception/", PurchaseExceptionView.as_view(), name="purchase_exception"),
            path("purchase/<int:pk>/decision/", PurchaseDecisionView.as_view(), name="purchase_decision")]

