"""Pages of the project summary report: list, the record page with its frozen figures and charts, the form
(commentary and lessons; a new report is generated from the data when saved), regeneration."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _t
from django.views import View

from core import report_sections
from core.permissions import allowed
from core.responses import error_html
from core.views import ObjectDetailView, ObjectEditView, RecordViews, hx_redirect
from projects.models import Project

from ..exports import summary as tables
from ..filtersets import SummaryReportFilterSet
from ..forms.summary import SummaryReportForm
from ..models import SummaryReport
from ..services import summary
from ..tables import SummaryReportTable


class SummaryEditView(ObjectEditView):
    """?project= (from the work queue or the project page) chooses the project; a new report is generated at once."""

    def get_initial(self):
        initial = super().get_initial()
        value = self.request.GET.get("project", "")
        if self.object is None and value.isdigit():
            project = Project.objects.restrict(self.request.user, "view").filter(pk=value).first()
            if project is not None:
                initial.update(project=project, title=summary.default_title(project))
        return initial

    def form_valid(self, form):
        creating = self.object is None
        response = super().form_valid(form)
        if creating and form.instance.pk and not form.errors:
            try:
                summary.generate(form.instance, self.request.user)
                messages.success(self.request, _t("Figures generated from the data."))
            except ValidationError as exc:
                messages.error(self.request, error_html(exc))
        return response


class SummaryDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        data = report.snapshot or {}
        context.update(can_generate=summary.may_generate(report, user), needs_reason=summary.needs_reason(report),
                       data=data, lessons=list(report.lessons.all()))
        if data:
            context.update(
                period_line=tables.period_line(data), objectives_table=tables.objectives_table(data),
                scope_lines=tables.scope_lines(data), tasks_table=tables.tasks_table(data),
                milestones_table=tables.milestones_table(data), priority_table=tables.priority_table(data),
                months_table=tables.months_table(data), availability_lines=tables.availability_lines(data),
                major_tables=tables.major_tables(data), category_table=tables.category_table(data),
                changes_table=tables.changes_table(data), satisfaction_lines=tables.satisfaction_lines(data),
                satisfaction_table=tables.satisfaction_table(data), cost_table=tables.cost_table(data),
                sections=report_sections.frozen(data), chart=tables.chart_data(data))
        return context


class GenerateSummaryView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = get_object_or_404(SummaryReport.objects.restrict(request.user, "view"), pk=pk)
        if not allowed(request.user, report, "change"):
            raise PermissionDenied
        try:
            target = summary.generate(report, request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, error_html(exc))
            return hx_redirect(request, report.get_absolute_url())
        if target.pk != report.pk:
            messages.info(request, _t("Version %(v)s created: an approved report is never altered.")
                          % {"v": target.version})
        messages.success(request, _t("Figures generated from the data."))
        return hx_redirect(request, target.get_absolute_url())


class SummaryReportViews(RecordViews):
    model = SummaryReport
    table = SummaryReportTable
    filterset = SummaryReportFilterSet
    form = SummaryReportForm
    edit_view = SummaryEditView
    detail_view = SummaryDetailView
    select_related = ("owner_department", "author", "project")
    detail_fields = ("project", "generated_at", "owner_department", "change_note")
