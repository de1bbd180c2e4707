"""The register's pages: list (filters: source, contract, owner, status, overdue), detail with the baseline and
the effectiveness check, the edit page (prefilled from a source: ?source=app.model&source_id=) and the check page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext
from django.views import View

from core.responses import error_html
from core.views import ObjectDetailView, ObjectEditView, RecordViews

from . import services, sources
from .filtersets import ImprovementFilterSet
from .forms import CheckForm, ImprovementForm
from .models import Improvement
from .tables import ImprovementTable


def measure_rows(improvement, preview=None):
    """(label, months, value) rows: the baseline, and the check recorded or the one it would record now."""
    rows = [(_t("Baseline"), services.months_text(improvement.baseline_months),
             services.value_text(improvement, improvement.baseline_value), improvement.baseline_detail)]
    if improvement.after_months:
        rows.append((_t("After implementation"), services.months_text(improvement.after_months),
                     services.value_text(improvement, improvement.after_value), improvement.after_detail))
    elif preview is not None and preview["months"]:
        rows.append((_t("After implementation (not recorded yet)"), services.months_text(preview["months"]),
                     services.value_text(improvement, preview["value"]), preview["detail"]))
    return rows


def counted_from(detail) -> str:
    """What a value was counted from, readable."""
    if not detail:
        return ""
    if "counted" in detail:
        return _t("%(within)s of %(counted)s tickets within target") % detail
    if "agreed_seconds" in detail:
        return _t("%(down)s of %(agreed)s agreed minutes down") % {"down": detail["downtime_seconds"] // 60,
                                                                   "agreed": detail["agreed_seconds"] // 60}
    if "tickets" in detail:
        return ngettext("%(tickets)s tickets in %(months)s month", "%(tickets)s tickets in %(months)s months",
                        detail["months"]) % detail
    if "answers" in detail:
        return _t("%(answers)s answers") % detail
    return ""


class ImprovementDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        improvement, user = self.object, self.request.user
        preview = services.preview_check(improvement) if services.may_check(improvement, user) else None
        context.update(
            measure_rows=[(label, months, value, counted_from(detail))
                          for label, months, value, detail in measure_rows(improvement, preview)],
            may_check=preview is not None, source_record=improvement.source,
            check_form=CheckForm(prefix="check") if preview is not None else None, preview=preview)
        return context


class ImprovementEditView(ObjectEditView):
    """Add (optionally raised from a source record) and edit; the baseline is taken on save."""

    def dispatch(self, request, *args, **kwargs):
        self.source = None
        if "pk" not in kwargs and request.user.is_authenticated and request.GET.get("source"):
            self.source = sources.resolve(request.GET.get("source"), request.GET.get("source_id"), request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None and self.source is not None:
            initial.update({k: v for k, v in sources.prefill(self.source).items() if k in ImprovementForm.Meta.fields
                            or k in ("contract", "owner")})
        if self.object is None:
            initial.setdefault("owner", self.request.user)
            if self.request.user.department_id:
                initial.setdefault("owner_department", self.request.user.department)
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["source"] = self.source
        return kwargs


class CheckView(LoginRequiredMixin, View):
    """The effectiveness check: the measure before and after, and the reviewer's conclusion."""

    def get_object(self):
        return get_object_or_404(Improvement.objects.restrict(self.request.user, "view"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        improvement = self.get_object()
        if not services.may_check(improvement, request.user):
            messages.info(request, _t("The effectiveness check is recorded once the improvement is implemented, by "
                                      "whoever may edit it."))
            return redirect(improvement.get_absolute_url())
        return self.page(improvement, CheckForm(prefix="check"))

    def page(self, improvement, form):
        preview = services.preview_check(improvement)
        rows = [(label, months, value, counted_from(detail))
                for label, months, value, detail in measure_rows(improvement, preview)]
        return render(self.request, "improvement/improvement_check.html",
                      {"object": improvement, "form": form, "preview": preview, "measure_rows": rows})

    def post(self, request, pk):
        improvement = self.get_object()
        if not services.may_check(improvement, request.user):
            raise PermissionDenied
        form = CheckForm(request.POST, prefix="check")
        if not form.is_valid():
            return self.page(improvement, form)
        try:
            services.record_check(improvement, request.user, form.cleaned_data["effective"],
                                  form.cleaned_data["conclusion"])
        except ValidationError as exc:
            messages.error(request, error_html(exc))
            return redirect(improvement.get_absolute_url())
        messages.success(request, _t("Effectiveness check recorded: request closure to have it approved."))
        return redirect(improvement.get_absolute_url())


class ImprovementViews(RecordViews):
    model = Improvement
    table = ImprovementTable
    filterset = ImprovementFilterSet
    form = ImprovementForm
    edit_view = ImprovementEditView
    detail_view = ImprovementDetailView
    select_related = ("owner_department", "author", "contract", "owner")
    detail_fields = ("contract", "source_kind", "source_label", "source_reference", "owner", "due_date", "plan",
                     "implemented_on", "owner_department", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("improvement/<int:pk>/check/", CheckView.as_view(), name="improvement_check")]
