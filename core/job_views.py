"""My background jobs: the list, one job's page with its progress (htmx polls it) and its result's download."""

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic import DetailView, ListView

from . import audit, display, jobs
from .choices import AuditAction, JobKind
from .models import AuditEntry, BackgroundJob
from .permissions import allowed


def readable_jobs(user):
    """A person's own jobs; with audit rights (the matrix's audit-trail readers) everyone's."""
    queryset = BackgroundJob.objects.select_related("owner")
    if allowed(user, AuditEntry, "view"):
        return queryset
    return queryset.filter(owner=user)


def may_read_result(user, job) -> bool:
    """The owner, or a reader of the audit trail; and the exported list still readable to both (scope kept)."""
    if job.owner_id != user.pk and not allowed(user, AuditEntry, "view"):
        return False
    label = job.params.get("model")
    if job.kind == JobKind.EXPORT and label:
        model = apps.get_model(label)
        return allowed(user, model, "view") and allowed(job.owner, model, "view")
    return True


def shown(user, job):
    """The job as its page shows it: freshest progress, its message in the reader's language, may it be downloaded."""
    job = jobs.current(job)
    job.message_text = display.readable(job.message)
    job.may_download = may_read_result(user, job)
    return job


class JobListView(LoginRequiredMixin, ListView):
    template_name = "core/job_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        mine = self.request.GET.get("all") != "1" or not allowed(self.request.user, AuditEntry, "view")
        queryset = readable_jobs(self.request.user)
        return queryset.filter(owner=self.request.user) if mine else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = [shown(self.request.user, job) for job in context["jobs"]]
        context["may_see_all"] = allowed(self.request.user, AuditEntry, "view")
        context["result_hours"] = round(jobs.result_hours())
        return context


class JobDetailView(LoginRequiredMixin, DetailView):
    template_name = "core/job_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return readable_jobs(self.request.user)

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/partials/job_progress.html"]
        return [self.template_name]

    def get_object(self, queryset=None):
        return shown(self.request.user, super().get_object(queryset))


class JobDownloadView(LoginRequiredMixin, View):
    """The result file, to its owner (or an auditor) while it has not expired; audited as an export."""

    def get(self, request, pk):
        job = get_object_or_404(readable_jobs(request.user), pk=pk)
        if not may_read_result(request.user, job):
            raise PermissionDenied
        if job.expired or (job.finished and not job.result):
            return render(request, "core/job_expired.html", {"job": job}, status=410)
        if not job.result:
            raise Http404(_t("This job has no file (yet)."))
        audit.record_entry(AuditAction.EXPORT, None, obj_repr=f"{job.title} ({job.result_name}, {job.total or 0})",
                           changes={"job": job.pk, "owner": job.owner.username,
                                    "filter": job.params.get("filter", {})})
        return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)

