"""The process-compliance pages: the rules (each with its clause, severity, explanation and open findings), the
findings (filters, CSV/XLSX export; detail with the record, accept with a justification, raise an improvement) and
the runs ("Run now" starts a background job)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic import TemplateView

from core import compliance
from core.compliance import Severity
from core.display import readable
from core.responses import error_messages
from core.views import ObjectDetailView, ObjectListView, PermissionMixin

from .. import checks
from ..choices import FindingStatus
from ..filtersets import ComplianceRunFilterSet, FindingFilterSet
from ..forms import AcceptFindingForm
from ..models import ComplianceRun, Finding
from ..tables import ComplianceRunTable, FindingTable


class NamedTemplateMixin:
    """A page with its own template (the htmx table partial for an htmx list request)."""

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and getattr(self, "template_suffix", "") == "_list":
            return ["core/partials/object_table.html"]
        return [self.template_name]


class RuleListView(PermissionMixin, TemplateView):
    """Every rule, with its clause, severity, explanation and how many findings of it are open."""

    model = Finding
    template_name = "assurance/rule_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        open_counts = dict(self.restricted().filter(status=FindingStatus.OPEN).order_by()
                           .values_list("rule_id").annotate(n=Count("pk")))
        findings = reverse("assurance:finding_list")
        context.update(
            rules=[(rule, open_counts.get(rule.id, 0), f"{findings}?rule_id={rule.id}&status={FindingStatus.OPEN}")
                   for rule in compliance.rules()],
            last_run=ComplianceRun.objects.restrict(self.request.user, "view").first(),
            may_run=checks.may_run(self.request.user), severities=Severity.choices)
        return context


class FindingListView(NamedTemplateMixin, ObjectListView):
    model = Finding
    template_name = "assurance/finding_list.html"
    table_class = FindingTable
    filterset_class = FindingFilterSet
    select_related = ("contract", "project")


class FindingDetailView(NamedTemplateMixin, ObjectDetailView):
    model = Finding
    template_name = "assurance/finding_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding, user = self.object, self.request.user
        may_decide = checks.may_decide(finding, user)
        context.update(
            rule=compliance.get(finding.rule_id), message=readable(finding.message),
            may_decide=may_decide, accept_form=kwargs.get("accept_form") or AcceptFindingForm(prefix="accept"),
            may_raise=may_decide and _may_raise(finding, user))
        return context


def _may_raise(finding, user):
    from improvement import sources

    return sources.may_raise(finding, user)


class FindingActionView(PermissionMixin, View):
    model = Finding
    action = "change"

    def get_object(self):
        return get_object_or_404(self.restricted("view"), pk=self.kwargs["pk"])


class AcceptFindingView(FindingActionView):
    def post(self, request, pk):
        finding = self.get_object()
        form = AcceptFindingForm(request.POST, prefix="accept")
        if form.is_valid():
            try:
                checks.accept(finding, request.user, form.cleaned_data["justification"])
            except ValidationError as exc:
                for message in error_messages(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _t("Finding accepted with your justification."))
                return redirect(finding.get_absolute_url())
        view = FindingDetailView(model=Finding)
        view.setup(request, pk=pk)
        view.object = finding
        return render(request, "assurance/finding_detail.html", view.get_context_data(object=finding,
                                                                                      accept_form=form), status=400)


class RaiseImprovementView(FindingActionView):
    def post(self, request, pk):
        return redirect(checks.raise_improvement(self.get_object(), request.user))


class RunListView(NamedTemplateMixin, ObjectListView):
    model = ComplianceRun
    template_name = "assurance/run_list.html"
    table_class = ComplianceRunTable
    filterset_class = ComplianceRunFilterSet
    select_related = ("started_by",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url"] = reverse("assurance:compliancerun_add")
        return context


class RunNowView(PermissionMixin, TemplateView):
    """"Run now": what a run does, and the button that starts it as a background job."""

    model = ComplianceRun
    action = "add"
    template_name = "assurance/run_now.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rules=compliance.rules(),
                       last_run=ComplianceRun.objects.restrict(self.request.user, "view").first())
        return context

    def post(self, request):
        job = checks.start(request.user)
        messages.info(request, _t("The compliance checks run in the background; the run's findings are listed when "
                                  "it is done."))
        return redirect(job.get_absolute_url())


class RunDetailView(NamedTemplateMixin, ObjectDetailView):
    model = ComplianceRun
    template_name = "assurance/run_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        found = Finding.objects.restrict(self.request.user, "view").filter(last_run=run)
        by_rule = dict(found.exclude(status=FindingStatus.RESOLVED).order_by().values_list("rule_id")
                       .annotate(n=Count("pk")))
        context.update(message=readable(run.message), may_run=checks.may_run(self.request.user),
                       rules=[(rule, by_rule.get(rule.id, 0)) for rule in compliance.rules()],
                       findings_url=reverse("assurance:finding_list"))
        return context


urlpatterns = [
    path("rules/", RuleListView.as_view(), name="rule_list"),
    path("finding/", FindingListView.as_view(), name="finding_list"),
    path("finding/<int:pk>/", FindingDetailView.as_view(), name="finding_detail"),
    path("finding/<int:pk>/accept/", AcceptFindingView.as_view(), name="finding_accept"),
    path("finding/<int:pk>/improvement/", RaiseImprovementView.as_view(), name="finding_improvement"),
    path("run/", RunListView.as_view(), name="compliancerun_list"),
    path("run/add/", RunNowView.as_view(), name="compliancerun_add"),
    path("run/<int:pk>/", RunDetailView.as_view(), name="run_detail"),
]
