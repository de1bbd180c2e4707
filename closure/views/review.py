"""Pages of the internal review: the record (criteria, evidence, verdicts), starting it from a project, a verdict."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.views import View

from core.record_actions import RecordActionView
from core.responses import error_messages
from core.views import ObjectDetailView, RecordViews
from projects.models import Project
from projects.views.project import ProjectRecordEditView

from ..filtersets import InternalReviewFilterSet
from ..forms.review import InternalReviewForm, VerdictForm
from ..models.review import CriterionVerdict, InternalReview
from ..services import acceptance as acceptance_service
from ..services import review as review_service
from ..tables import InternalReviewTable


class InternalReviewDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, user = self.object, self.request.user
        result = review_service.outcome(review)
        rows = []
        for criterion in result.criteria:
            verdict = result.verdicts.get(criterion.pk)
            form = VerdictForm(prefix=f"c{criterion.pk}", initial={"verdict": "pass"}) \
                if review_service.may_judge(criterion, user) else None
            rows.append({"criterion": criterion, "verdict": verdict, "form": form,
                         "evidence_records": list(criterion.evidence_records.all())})
        history = CriterionVerdict.objects.filter(criterion__review=review, review_round__lt=review.review_round,
                                                  carried=False).select_related("criterion", "reviewer") \
            .order_by("review_round", "criterion_id", "pk")
        context.update(outcome=result, criterion_rows=rows, verdict_history=history,
                       departments=review.departments.order_by("code"),
                       can_generate=acceptance_service.may_generate(review.project, user),
                       certificate=acceptance_service.certificate_of(review.project))
        return context


class GiveVerdictView(RecordActionView):
    """POST verdict, comment and deviation for one criterion (a reviewer of its department)."""

    def act(self, review, request):
        criterion = get_object_or_404(review.criteria, pk=self.kwargs["criterion"])
        form = VerdictForm(request.POST, prefix=f"c{criterion.pk}")
        if not form.is_valid():
            raise ValidationError(error_messages(ValidationError(form.errors)))
        review_service.give_verdict(criterion, request.user, **form.cleaned_data)
        review.refresh_from_db()
        messages.success(request, _t("Verdict on “%(criterion)s” recorded.") % {"criterion": criterion})


class StartReviewView(LoginRequiredMixin, View):
    """The project's "Start the internal review": GET shows the criteria the contract and the approved plan give and
    the departments involved; POST drafts the review with them."""

    def get(self, request, pk):
        project = get_object_or_404(Project.objects.restrict(request.user, "view"), pk=pk)
        existing = review_service.review_of(project)
        if existing is not None:
            return redirect(existing.get_absolute_url())
        if not review_service.may_start_review(project, request.user):
            raise PermissionDenied
        return render(request, "closure/internalreview_start.html", {
            "project": project, "proposals": review_service.proposed_criteria(project),
            "departments": review_service.involved_departments(project)})

    def post(self, request, pk):
        project = get_object_or_404(Project.objects.restrict(request.user, "view"), pk=pk)
        if not review_service.may_start_review(project, request.user):
            existing = review_service.review_of(project)
            if existing is not None:
                return redirect(existing.get_absolute_url())
            raise PermissionDenied
        try:
            review = review_service.start_review(project, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return redirect(project.get_absolute_url())
        messages.success(request, _t("Drafted %(number)s with %(n)s proposed criteria: check them, add evidence, "
                                     "then ask for verdicts.") % {"number": review.number,
                                                                  "n": review.criteria.count()})
        return redirect(review.get_absolute_url())


class InternalReviewEditView(ProjectRecordEditView):
    prefill = ("project",)


class InternalReviewViews(RecordViews):
    model = InternalReview
    table = InternalReviewTable
    filterset = InternalReviewFilterSet
    form = InternalReviewForm
    select_related = ("owner_department", "author", "project")
    detail_view = InternalReviewDetailView
    edit_view = InternalReviewEditView
    detail_fields = ("project", "owner_department", "confidentiality", "customer_reasons", "conclusion",
                     "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("internalreview/<int:pk>/criterion/<int:criterion>/verdict/",
                     GiveVerdictView.as_view(model=cls.model, views=cls), name="internalreview_verdict"),
                path("internalreview/start/<int:pk>/", StartReviewView.as_view(), name="internalreview_start")]
