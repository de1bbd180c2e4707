"""Pages: an import's quality report (the profile it was read with, the rows excluded and repaired, the summary by
rule, the findings by rule and action, paged) and its download as CSV or XLSX, audited like every export."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _t
from django_filters.views import FilterView

from core import audit
from core.choices import AuditAction
from core.list_export import csv_text, xlsx_bytes
from core.views import BoundedTableMixin, PermissionMixin

from ..choices import Anomaly, ProfileField, RuleAction
from ..filtersets import JobFindingFilterSet
from ..models import ImportJob, QualityFinding
from ..tables import QualityFindingTable, original_text, outcome_text

__all__ = ["QualityReportView", "quality_summary", "report_rows"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def quality_summary(job):
    """[(rule, what was done, rows)] of an import, from its counts by anomaly and action, rules in their order."""
    rows = []
    for anomaly in Anomaly.values:
        for action in RuleAction.values:
            count = (job.quality or {}).get(anomaly, {}).get(action)
            if count:
                rows.append((Anomaly(anomaly).label, RuleAction(action).label, count))
    return rows


def profile_used(job) -> str:
    """How the import's source was read: the approved profile version, the built-in, or ServPlan's columns."""
    if job.profile_id:
        return f"{job.profile.number} v{job.profile.version} {job.profile.title}"
    if job.builtin_profile:
        from ..intake import builtin

        try:
            return _t("Built-in profile: %(name)s") % {"name": builtin.get(job.builtin_profile).name}
        except KeyError:
            return _t("Built-in profile: %(name)s") % {"name": job.builtin_profile}
    return _t("ServPlan columns")


def report_headers():
    return [_t("Row"), _t("External system"), _t("External id"), _t("Rule"), _t("Field"), _t("Original values"),
            _t("What was done"), _t("Outcome")]


def report_rows(findings):
    """The quality report's rows as a person reads them: labels, not codes; original values as read."""
    rows = []
    for finding in findings:
        field = str(ProfileField(finding.field).label) if finding.field in ProfileField.values else finding.field
        original = original_text(finding.original)
        rows.append([finding.row if finding.row is not None else "", finding.external_system, finding.external_id,
                     str(finding.get_anomaly_display()), field, original, str(finding.get_action_display()),
                     outcome_text(finding)])
    return rows


class QualityReportView(PermissionMixin, BoundedTableMixin, FilterView):
    """One import's quality report; ?export=csv or xlsx downloads the (filtered) findings."""

    model = QualityFinding
    table_class = QualityFindingTable
    filterset_class = JobFindingFilterSet
    template_name = "servicedata/quality_report.html"

    def get_job(self):
        if not hasattr(self, "_job"):
            self._job = get_object_or_404(
                ImportJob.objects.restrict(self.request.user, "view").select_related("contract", "profile",
                                                                                     "created_by"),
                pk=self.kwargs["pk"])
        return self._job

    def get_queryset(self):
        return QualityFinding.objects.restrict(self.request.user, "view").filter(job=self.get_job())

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":
            return ["core/partials/object_table.html"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt):
        job = self.get_job()
        filterset = self.filterset_class(self.request.GET, queryset=self.get_queryset(), request=self.request)
        rows = report_rows(filterset.qs)
        audit.record_entry(AuditAction.EXPORT, job, comment=fmt,
                           obj_repr=_t("Quality report of %(job)s (%(fmt)s, %(n)s rows)") % {
                               "job": job.name, "fmt": fmt, "n": len(rows)},
                           changes={"filter": dict(self.request.GET.lists())})
        name = f"quality-report-{job.pk}.{fmt}"
        if fmt == "csv":
            response = HttpResponse(csv_text(report_headers(), rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(xlsx_bytes(report_headers(), rows, _t("Quality report")), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.get_job()
        context.update(job=job, contract=job.contract, summary=quality_summary(job), profile_used=profile_used(job),
                       model_meta=QualityFinding._meta, query=self.request.GET.urlencode())
        return context
