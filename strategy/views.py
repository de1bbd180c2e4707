from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views import View

from core.forms import save_formset
from core.permissions import allowed
from core.responses import error_html, error_messages
from core.views import ObjectDetailView, ObjectEditView, RecordViews, hx_redirect

from . import review as reviews
from .choices import DecisionStatus
from .filtersets import AnnualGoalsFilterSet, DecisionFilterSet, ManagementReviewFilterSet
from .followup import follow_ups
from .forms import (
    ALLOCATION_HELP,
    AnnualGoalsForm,
    DecisionEditForm,
    DecisionFormSet,
    ManagementReviewForm,
    TrackDecisionForm,
)
from .models import AnnualGoals, Decision, ManagementReview
from .services import goals_with_progress
from .tables import AnnualGoalsTable, DecisionTable, ManagementReviewTable


class AnnualGoalsDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goals"] = goals_with_progress(self.object)
        context["allocation_help"] = ALLOCATION_HELP
        return context


class AnnualGoalsViews(RecordViews):
    model = AnnualGoals
    table = AnnualGoalsTable
    filterset = AnnualGoalsFilterSet
    form = AnnualGoalsForm
    select_related = ("owner_department", "author")
    detail_view = AnnualGoalsDetailView
    detail_fields = ("year", "summary", "owner_department", "change_note")


# ---- the management review -------------------------------------------------------------------------------

def may_record_decisions(review, user) -> bool:
    return review.status in reviews.CONTENT_STATES and allowed(user, Decision, "add") \
        and allowed(user, review, "view")


def decision_rows(decisions, user):
    """(decision, its follow-ups, may track it) for a record page."""
    decisions = list(decisions)
    found = follow_ups(decisions)
    return [(d, found.get(d.pk, []), reviews.may_track(d, user)) for d in decisions]


class ManagementReviewEditView(ObjectEditView):
    """?period_start=&period_end= (from the work queue's "prepare the review") fill the period of a new review."""

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None:
            start, end, _due = reviews.next_review()
            initial.update(period_start=self.request.GET.get("period_start") or start,
                           period_end=self.request.GET.get("period_end") or end)
        return initial


class ManagementReviewDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, user = self.object, self.request.user
        decisions = review.decisions.select_related("owner", "goal__annual_goals")
        context.update(
            sections=reviews.frozen_sections(review),
            inputs_current=reviews.inputs_taken(review),
            may_take_inputs=review.is_editable and allowed(user, review, "change"),
            may_record_decisions=may_record_decisions(review, user),
            decisions=decision_rows(decisions, user),
            advice=[(_t("Policy"), review.advice_policy), (_t("Industry environment"), review.advice_industry),
                    (_t("Business status"), review.advice_business)],
            track_form=TrackDecisionForm(initial={"status": DecisionStatus.DONE, "done_on": timezone.localdate()}),
        )
        return context


class TakeInputsView(LoginRequiredMixin, View):
    """The Management Representative takes (or takes again) the review's inputs from the data."""

    def post(self, request, pk):
        review = get_object_or_404(ManagementReview.objects.restrict(request.user, "view"), pk=pk)
        if not allowed(request.user, review, "change"):
            raise PermissionDenied
        try:
            reviews.take_inputs(review, request.user)
            messages.success(request, _t("Inputs taken from the data."))
        except ValidationError as exc:
            messages.error(request, error_html(exc))
        return hx_redirect(request, review.get_absolute_url() + "#inputs")


class DecisionsView(LoginRequiredMixin, View):
    """The General Manager records the decisions (while the review is prepared or under review)."""

    template_name = "strategy/managementreview_decisions.html"

    def review(self, request, pk):
        review = get_object_or_404(ManagementReview.objects.restrict(request.user, "view"), pk=pk)
        if not allowed(request.user, Decision, "change"):
            raise PermissionDenied
        return review

    def render(self, request, review, formset, status=200):
        return render(request, self.template_name, {"object": review, "formset": formset,
                                                    "editable": review.status in reviews.CONTENT_STATES},
                      status=status)

    def get(self, request, pk):
        review = self.review(request, pk)
        return self.render(request, review, DecisionFormSet(instance=review, prefix="decisions"))

    def post(self, request, pk):
        review = self.review(request, pk)
        formset = DecisionFormSet(request.POST, instance=review, prefix="decisions")
        if review.status not in reviews.CONTENT_STATES:
            messages.error(request, _t("%(review)s is %(status)s: its decisions are tracked, not rewritten.")
                           % {"review": review, "status": review.get_status_display()})
            return hx_redirect(request, review.get_absolute_url())
        if not formset.is_valid():
            return self.render(request, review, formset, status=400)
        try:
            with transaction.atomic():
                save_formset(formset, request.user)
        except ValidationError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
            return self.render(request, review, formset, status=400)
        messages.success(request, _t("Decisions saved."))
        return hx_redirect(request, review.get_absolute_url() + "#decisions")


class ManagementReviewViews(RecordViews):
    model = ManagementReview
    table = ManagementReviewTable
    filterset = ManagementReviewFilterSet
    form = ManagementReviewForm
    edit_view = ManagementReviewEditView
    detail_view = ManagementReviewDetailView
    select_related = ("owner_department", "author")
    detail_fields = ("period_start", "period_end", "meeting_date", "attendees", "inputs_taken_at", "owner_department",
                     "change_note")


# ---- decisions tracked after the approval ---------------------------------------------------------------------

class DecisionDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = self.object
        context.update(follow_ups=follow_ups([decision]).get(decision.pk, []),
                       may_track=reviews.may_track(decision, self.request.user),
                       track_form=TrackDecisionForm(initial={"status": DecisionStatus.DONE,
                                                             "done_on": timezone.localdate()}))
        return context


class TrackDecisionView(LoginRequiredMixin, View):
    """Record a decision done (with the date and the result), cancelled (with the reason) or open again."""

    def post(self, request, pk):
        decision = get_object_or_404(Decision.objects.restrict(request.user, "view"), pk=pk)
        if not allowed(request.user, decision, "change"):
            raise PermissionDenied
        form = TrackDecisionForm(request.POST)
        target = request.POST.get("next") or decision.get_absolute_url()
        if not target.startswith("/"):
            target = decision.get_absolute_url()
        if not form.is_valid():
            messages.error(request, error_html(ValidationError(form.errors)))
            return hx_redirect(request, target)
        try:
            reviews.track(decision, request.user, form.cleaned_data["status"], form.cleaned_data["done_on"],
                          form.cleaned_data["result"])
            messages.success(request, _t("Decision “%(d)s” is %(s)s.") % {"d": decision,
                                                                        "s": decision.get_status_display()})
        except ValidationError as exc:
            messages.error(request, error_html(exc))
        return hx_redirect(request, target)


class DecisionViews(RecordViews):
    model = Decision
    table = DecisionTable
    filterset = DecisionFilterSet
    form = DecisionEditForm
    detail_view = DecisionDetailView
    select_related = ("owner", "review", "goal")
    detail_fields = ("review", "kind", "decision", "goal", "owner", "due_date", "status", "done_on", "result")
