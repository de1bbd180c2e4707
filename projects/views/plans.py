"""Pages of the project plan and its review (findings resolved after the review too)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _t
from django.views import View

from core.permissions import allowed
from core.views import ObjectDetailView, error_messages, hx_redirect

from .. import services
from ..choices import ReviewStatus
from ..filtersets import PlanReviewFilterSet, ProjectPlanFilterSet
from ..forms import PlanReviewForm, ProjectPlanForm, ResolveFindingForm
from ..models import PlanReview, ProjectPlan, ReviewFinding
from ..tables import PlanReviewTable, ProjectPlanTable
from .project import ProjectRecordEditView, ProjectRecordViews


class ProjectPlanDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context.update(
            objectives=plan.objectives.select_related("owner", "sla_target"),
            milestones=plan.milestones.all(),
            risks=plan.risks.select_related("owner"),
            reviews=PlanReview.objects.filter(plan=plan).exclude(status=ReviewStatus.SUPERSEDED).prefetch_related("findings"),
            can_add_review=allowed(self.request.user, PlanReview, "add"),
        )
        return context


class ProjectPlanViews(ProjectRecordViews):
    model = ProjectPlan
    table = ProjectPlanTable
    filterset = ProjectPlanFilterSet
    form = ProjectPlanForm
    detail_view = ProjectPlanDetailView
    detail_fields = ("project", "measures", "resources", "schedule", "acceptance_criteria", "report_period",
                     "report_agreed_with", "owner_department", "change_note")


class ReviewEditView(ProjectRecordEditView):
    prefill = ("project", "plan")


class PlanReviewDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(findings=self.object.findings.select_related("raised_by"),
                       reviewers=self.object.reviewers.all(),
                       can_resolve=allowed(self.request.user, ReviewFinding, "change"),
                       resolve_form=ResolveFindingForm())
        return context


class ResolveFindingView(LoginRequiredMixin, View):
    def post(self, request, pk, finding):
        review = get_object_or_404(PlanReview.objects.restrict(request.user, "view"), pk=pk)
        row = get_object_or_404(ReviewFinding, pk=finding, review=review)
        form = ResolveFindingForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(error_messages(ValidationError(form.errors)))
            services.resolve_finding(row, request.user, **form.cleaned_data)
            messages.success(request, _t("Finding updated."))
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        return hx_redirect(request, review.get_absolute_url() + "#findings")


class PlanReviewViews(ProjectRecordViews):
    model = PlanReview
    table = PlanReviewTable
    filterset = PlanReviewFilterSet
    form = PlanReviewForm
    edit_view = ReviewEditView
    detail_view = PlanReviewDetailView
    detail_fields = ("project", "plan", "held_on", "location", "verdict", "summary", "change_note")

    @classmethod
    def urls(cls):
        return super().urls() + [path("planreview/<int:pk>/finding/<int:finding>/resolve/",
                                      ResolveFindingView.as_view(), name="planreview_resolve")]
