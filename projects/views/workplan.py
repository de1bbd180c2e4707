"""Pages of the work plan: tasks, dependencies, the Gantt chart, XLSX import and export."""

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext
from django.views import View

from core import audit, records
from core.permissions import allowed
from core.views import ObjectDetailView, error_messages, hx_redirect

from .. import services
from ..filtersets import WorkPlanFilterSet
from ..forms import DependencyForm, ImportForm, ProgressForm, TaskForm, WorkPlanForm
from ..models import Dependency, Task, WorkPlan
from ..tables import WorkPlanTable
from .project import ProjectRecordViews


def gantt_payload(plan, tasks, links, editable):
    """The chart's data (json_script #gantt-data): tasks, links, the critical path, today, the labels."""
    parents = {t.parent_id for t in tasks if t.parent_id}
    critical, critical_links = services.critical_tasks(tasks, links)
    return {
        "editable": editable,
        "today": timezone.localdate().isoformat(),
        "tasks": [{"id": t.pk, "wbs": t.wbs, "name": t.name, "start": t.planned_start.isoformat(),
                   "end": t.planned_end.isoformat(), "milestone": t.is_milestone, "summary": t.pk in parents,
                   "critical": t.pk in critical, "level": t.wbs.count("."),
                   "assignee": str(t.assignee) if t.assignee_id else ""} for t in tasks],
        "links": [{"from": d.predecessor_id, "to": d.successor_id, "lag": d.lag_days,
                   "critical": (d.predecessor_id, d.successor_id) in critical_links} for d in links],
        "labels": {"moved": _t("Moved %(n)s tasks."), "error": _t("The task could not be moved."),
                   "drag": _t("Drag a bar to move the task; its successors follow."),
                   "today": _t("Today"), "critical": _t("Critical path"), "derived": _t("Dates derived from sub-tasks"),
                   "zoom": {"day": pgettext("gantt zoom", "Day"), "week": pgettext("gantt zoom", "Week"),
                            "month": pgettext("gantt zoom", "Month")},
                   "week": pgettext("gantt week number", "W%(n)s")},
    }


class WorkPlanDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        tasks = list(plan.tasks.select_related("assignee").order_by("position", "pk"))
        links = list(plan.dependencies.all())
        names = {t.pk: f"{t.wbs} {t.name}".strip() for t in tasks}
        predecessors = {}
        for link in links:
            lag = f"+{link.lag_days}" if link.lag_days > 0 else (str(link.lag_days) if link.lag_days else "")
            predecessors.setdefault(link.successor_id, []).append(f"{names.get(link.predecessor_id, '?')}{lag}")
        progress = services.progress_by_key(plan.project)
        editable = plan.is_editable and allowed(user, Task, "change")
        summaries = {t.parent_id for t in tasks if t.parent_id}
        gantt = gantt_payload(plan, tasks, links, editable)
        critical = {t["id"] for t in gantt["tasks"] if t["critical"]}
        for task in tasks:
            task.depth = task.wbs.count(".")
            task.is_summary = task.pk in summaries
            task.is_critical = task.pk in critical
            task.predecessor_text = ", ".join(predecessors.get(task.pk, []))
            task.progress = progress.get(task.key)
        baseline = plan.project.baseline()
        context.update(
            tasks=tasks, links=links, editable=editable,
            gantt=gantt,
            problems=services.plan_problems(plan) if plan.is_editable else [],
            is_baseline=baseline is not None and baseline.pk == plan.pk,
            baseline=baseline, comparison=services.baseline_comparison(plan),
            can_record_progress=services.can_record_progress_on(user, plan),
            dependency_form=DependencyForm(work_plan=plan) if editable else None,
            import_form=ImportForm() if editable else None,
            task_states=ProgressForm.base_fields["state"].choices,
        )
        return context


class WorkPlanChildView(LoginRequiredMixin, View):
    def get_plan(self, action="view"):
        return get_object_or_404(WorkPlan.objects.restrict(self.request.user, action), pk=self.kwargs["pk"])


class TaskEditView(WorkPlanChildView):
    template_name = "projects/task_edit.html"

    def objects(self, request, pk, task=None):
        plan = self.get_plan()
        if not allowed(request.user, Task, "change" if task else "add"):
            raise PermissionDenied
        return plan, (get_object_or_404(Task, pk=task, work_plan=plan) if task else None)

    def render_form(self, request, form, plan, instance):
        """On the plan's page (htmx) the form opens above the task table; otherwise as its own page."""
        template = "projects/partials/task_form.html" if request.htmx else self.template_name
        return render(request, template, {"form": form, "plan": plan, "task": instance})

    def done(self, request, plan):
        """Back to the plan's tasks: a full load, so the table, the Gantt and the checks show the change. From the
        plan's page (htmx) that page reloads itself; a redirect to the same address and an anchor would only scroll."""
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return hx_redirect(request, plan.get_absolute_url() + "#tasks")

    def get(self, request, pk, task=None):
        plan, instance = self.objects(request, pk, task)
        initial = {"parent": request.GET.get("parent")} if not instance else {}
        form = TaskForm(instance=instance, work_plan=plan, initial=initial)
        return self.render_form(request, form, plan, instance)

    def post(self, request, pk, task=None):
        plan, instance = self.objects(request, pk, task)
        if request.POST.get("delete") and instance is not None:
            try:
                services.delete_task(instance, request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(error_messages(exc)))
            return self.done(request, plan)
        before = audit.snapshot(instance) if instance else None
        form = TaskForm(request.POST, instance=instance, work_plan=plan)
        if form.is_valid():
            try:
                services.save_task(form.save(commit=False), request.user, before)
            except ValidationError as exc:
                for message in error_messages(exc):
                    form.add_error(None, message)
            else:
                saved = form.instance
                if getattr(saved, "cascaded", None):
                    messages.success(request, _t("Task saved; %(n)s successor tasks moved with it: %(tasks)s.") % {
                        "n": len(saved.cascaded), "tasks": ", ".join(str(t) for t in saved.cascaded)})
                else:
                    messages.success(request, _t("Task saved."))
                return self.done(request, plan)
        return self.render_form(request, form, plan, instance)


class DependencyView(WorkPlanChildView):
    def post(self, request, pk, link=None):
        plan = self.get_plan()
        try:
            if link is not None:
                records.delete(get_object_or_404(Dependency, pk=link, work_plan=plan), request.user)
            else:
                form = DependencyForm(request.POST, work_plan=plan)
                if not form.is_valid():
                    raise ValidationError(error_messages(ValidationError(form.errors)))
                # A new link the dates do not yet respect moves the successor (and its own successors).
                moved = services.save_dependency(form.save(commit=False), request.user)
                if moved:
                    messages.info(request, _t("%(n)s tasks moved to respect the new dependency: %(tasks)s.") % {
                        "n": len(moved), "tasks": ", ".join(str(t) for t in moved)})
            messages.success(request, _t("Dependencies saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        return hx_redirect(request, plan.get_absolute_url() + "#dependencies")


class RescheduleView(WorkPlanChildView):
    """POST {"task": id, "start": "YYYY-MM-DD"} from the Gantt chart: moves the task and its successors."""

    def post(self, request, pk):
        plan = self.get_plan()
        try:
            payload = json.loads(request.body or b"{}")
            task = get_object_or_404(Task, pk=int(payload["task"]), work_plan=plan)
            start = date.fromisoformat(payload["start"])
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"error": _t("Give a task and a start date (YYYY-MM-DD).")}, status=400)
        try:
            moved = services.reschedule(plan, task, start, request.user)
        except PermissionDenied as exc:
            return JsonResponse({"error": str(exc)}, status=403)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(error_messages(exc))}, status=400)
        return JsonResponse({"moved": [{"id": m["id"], "start": m["planned_start"].isoformat(),
                                        "end": m["planned_end"].isoformat()} for m in moved]})


class ImportView(WorkPlanChildView):
    def post(self, request, pk):
        from ..xlsx import read_tasks

        plan = self.get_plan()
        form = ImportForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError(error_messages(ValidationError(form.errors)))
            rows = read_tasks(form.cleaned_data["file"], plan)
            count = services.import_tasks(plan, rows, request.user)
            messages.success(request, _t("Imported %(n)s tasks.") % {"n": count})
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        return hx_redirect(request, plan.get_absolute_url() + "#tasks")


class XlsxExportView(WorkPlanChildView):
    def get(self, request, pk):
        from core.choices import AuditAction

        from ..xlsx import work_plan_xlsx

        plan = self.get_plan()
        content = work_plan_xlsx(plan)
        audit.record_entry(AuditAction.EXPORT, plan, comment="xlsx")
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml"
                                                      ".sheet")
        response["Content-Disposition"] = f'attachment; filename="{plan.number}-V{plan.version}.xlsx"'
        return response


class WorkPlanViews(ProjectRecordViews):
    model = WorkPlan
    table = WorkPlanTable
    filterset = WorkPlanFilterSet
    form = WorkPlanForm
    detail_view = WorkPlanDetailView
    detail_fields = ("project", "change_request", "notes", "owner_department", "change_note")

    @classmethod
    def urls(cls):
        return super().urls() + [
            path("workplan/<int:pk>/task/add/", TaskEditView.as_view(), name="workplan_task_add"),
            path("workplan/<int:pk>/task/<int:task>/", TaskEditView.as_view(), name="workplan_task_edit"),
            path("workplan/<int:pk>/dependency/", DependencyView.as_view(), name="workplan_dependency_add"),
            path("workplan/<int:pk>/dependency/<int:link>/delete/", DependencyView.as_view(),
                 name="workplan_dependency_delete"),
            path("workplan/<int:pk>/reschedule/", RescheduleView.as_view(), name="workplan_reschedule"),
            path("workplan/<int:pk>/import/", ImportView.as_view(), name="workplan_import"),
            path("workplan/<int:pk>/xlsx/", XlsxExportView.as_view(), name="workplan_xlsx"),
        ]
