"""Pages of the supplier register (SP-2.6): suppliers with their qualification and expiry flags, contacts and
certificates (edited as customers' contacts are), evaluations with blind scoring, the qualified supplier list
合格供方名录 with "fill from the approved evaluations"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext as _t

from core.choices import RecordStatus
from core.permissions import allowed
from core.record_actions import RecordActionView
from core.responses import error_messages
from core.views import ObjectDetailView, ObjectListView, PrefilledEditView, RecordViews

from . import services, terms
from .choices import EvaluationStatus
from .filtersets import (
    CertificateFilterSet,
    QualifiedListFilterSet,
    SupplierContactFilterSet,
    SupplierEvaluationFilterSet,
    SupplierFilterSet,
)
from .forms import (
    CertificateForm,
    QualifiedListForm,
    ScoresForm,
    SupplierContactForm,
    SupplierEvaluationForm,
    SupplierForm,
)
from .models import (
    Certificate,
    QualifiedEntry,
    QualifiedList,
    Supplier,
    SupplierContact,
    SupplierEvaluation,
)
from .tables import (
    CertificateTable,
    QualifiedListTable,
    SupplierContactTable,
    SupplierEvaluationTable,
    SupplierTable,
    until_html,
)

# ---- suppliers ------------------------------------------------------------------------------------------------

class SupplierDetailView(ObjectDetailView):
    """The supplier with its qualification, what lapses soon, contacts, certificates, deliveries, evaluations and
    the qualified supplier lists it is on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supplier, user = self.object, self.request.user
        certificates = list(supplier.certificates.all())
        latest = {c.pk for c in services.latest_certificates([supplier])}
        context.update(
            qualification=services.qualification(supplier),
            flags=services.flags(suppliers=[supplier]),
            contacts=supplier.contacts.all(),
            certificates=[(c, until_html(c.valid_until) if c.pk in latest else None) for c in certificates],
            performance=supplier.performance.select_related("recorded_by")[:50],
            totals=services.performance_summary(supplier, None, None),
            evaluations=SupplierEvaluation.objects.restrict(user, "view").filter(supplier=supplier)
            .order_by("-period_to", "-version")[:20],
            entries=QualifiedEntry.objects.filter(supplier=supplier).select_related("qualified_list")
            .exclude(qualified_list__status=RecordStatus.SUPERSEDED).order_by("-qualified_list__created")[:10],
            can_edit_contacts=allowed(user, SupplierContact, "add"),
            can_edit_certificates=allowed(user, Certificate, "add"),
            can_evaluate=allowed(user, SupplierEvaluation, "add"),
        )
        return context


class SupplierRowEditView(PrefilledEditView):
    prefill = ("supplier",)


class SupplierViews(RecordViews):
    model = Supplier
    table = SupplierTable
    filterset = SupplierFilterSet
    form = SupplierForm
    detail_view = SupplierDetailView
    detail_fields = ("code", "name", "name_en", "category", "credit_code", "address", "active", "notes")


class SupplierContactViews(RecordViews):
    model = SupplierContact
    table = SupplierContactTable
    filterset = SupplierContactFilterSet
    form = SupplierContactForm
    select_related = ("supplier",)
    edit_view = SupplierRowEditView
    detail_fields = ("supplier", "name", "job_title", "phone", "email", "primary")


class CertificateViews(RecordViews):
    model = Certificate
    table = CertificateTable
    filterset = CertificateFilterSet
    form = CertificateForm
    select_related = ("supplier",)
    edit_view = SupplierRowEditView
    detail_fields = ("supplier", "name", "reference", "issuer", "valid_from", "valid_until")


# ---- supplier evaluations -----------------------------------------------------------------------------------

class EvaluationEditView(PrefilledEditView):
    """?supplier= (from the supplier's page) chooses the supplier; the period then starts after its previous
    evaluation."""

    prefill = ("supplier",)


class EvaluationDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation, user = self.object, self.request.user
        criteria = list(evaluation.criteria.all())
        evaluators = list(evaluation.evaluators.order_by("pk"))
        visible = services.visible_scores(evaluation, user)
        complete = services.scores_complete(evaluation)
        matrix = [(c, [visible.get((e.pk, c.pk)) for e in evaluators]) for c in criteria]
        form = None
        if services.may_score(evaluation, user):
            own = {s.criterion_id: s for s in evaluation.scores.filter(evaluator=user)}
            initial = {}
            for criterion_id, score in own.items():
                initial[f"score_{criterion_id}"] = score.score
                initial[f"note_{criterion_id}"] = score.note
            form = ScoresForm(criteria=criteria, initial=initial, prefix="scores")
        result, qualified = services.outcome(evaluation)
        context.update(
            criteria=criteria, evaluators=evaluators, matrix=matrix, complete=complete,
            blind=not complete and evaluation.status in (EvaluationStatus.DRAFT, EvaluationStatus.SCORING,
                                                          EvaluationStatus.RETURNED),
            progress=services.progress(evaluation), score_form=form, result=result, qualified=qualified,
            weights_problem=services.weights_problem(evaluation) if evaluation.is_editable else None,
            performance=services.evaluation_performance(evaluation),
            performance_frozen=bool(evaluation.performance),
            previous=services.previous_evaluation(evaluation.supplier, before=evaluation),
        )
        return context


class GiveScoresView(RecordActionView):
    """POST: the evaluator's own scores (one per criterion)."""

    def act(self, evaluation, request):
        if not services.may_score(evaluation, request.user):
            raise PermissionDenied(_t("Only the evaluators named on %(number)s score it, while it is being scored.")
                                   % {"number": evaluation.number})
        form = ScoresForm(request.POST, criteria=list(evaluation.criteria.all()), prefix="scores")
        if not form.is_valid():
            raise ValidationError(error_messages(ValidationError(form.errors)))
        services.give_scores(evaluation, request.user, form.given())
        if services.scores_complete(evaluation):
            messages.success(request, _t("Scores recorded. Every evaluator has scored: the result is computed."))
        else:
            messages.success(request, _t("Scores recorded. The others' scores show once every evaluator has "
                                         "scored."))


class SupplierEvaluationViews(RecordViews):
    model = SupplierEvaluation
    table = SupplierEvaluationTable
    filterset = SupplierEvaluationFilterSet
    form = SupplierEvaluationForm
    edit_view = EvaluationEditView
    detail_view = EvaluationDetailView
    select_related = ("owner_department", "author", "supplier")
    detail_fields = ("supplier", "period_from", "period_to", "valid_until", "pass_mark", "owner_department",
                     "conclusion", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("supplierevaluation/<int:pk>/scores/", GiveScoresView.as_view(model=cls.model, views=cls),
                     name="supplierevaluation_scores")]


# ---- the qualified supplier list -----------------------------------------------------------------------------

class QualifiedListListView(ObjectListView):
    def get_queryset(self):
        return super().get_queryset().annotate(entry_count=Count("entries"))


class QualifiedListDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qualified_list, user = self.object, self.request.user
        entries = list(qualified_list.entries.select_related("supplier"))
        now = services.qualifications([e.supplier for e in entries])
        in_force = services.list_in_force()
        context.update(
            entries=[(e, now[e.supplier_id], until_html(e.valid_until)) for e in entries],
            in_force=in_force, is_in_force=in_force is not None and in_force.pk == qualified_list.pk,
            review_due_html=until_html(qualified_list.review_due),
            flags=services.flags() if in_force is not None and in_force.pk == qualified_list.pk else [],
            can_fill=qualified_list.is_editable and allowed(user, qualified_list, "change")
            and allowed(user, QualifiedEntry, "add"),
            warning_days=terms.warning_days(),
        )
        return context


class FillView(RecordActionView):
    """POST: entries from the approved evaluations (suppliers.services.fill_from_evaluations)."""

    def act(self, qualified_list, request):
        if not allowed(request.user, qualified_list, "change"):
            raise PermissionDenied
        filled = services.fill_from_evaluations(qualified_list, request.user)
        messages.success(request, filled.summary())


class QualifiedListViews(RecordViews):
    model = QualifiedList
    table = QualifiedListTable
    filterset = QualifiedListFilterSet
    form = QualifiedListForm
    list_view = QualifiedListListView
    detail_view = QualifiedListDetailView
    select_related = ("owner_department", "author")
    detail_fields = ("review_due", "owner_department", "confidentiality", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("qualifiedlist/<int:pk>/fill/", FillView.as_view(model=cls.model, views=cls),
                     name="qualifiedlist_fill")]
