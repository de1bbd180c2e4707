import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views import View

from catalog.views import PrefilledEditView
from core import audit, records
from core.permissions import allowed
from core.views import ObjectDetailView, ObjectEditView, RecordViews, error_messages, hx_redirect

from . import services
from .filtersets import (
    ChangeRequestFilterSet,
    InitiationApplicationFilterSet,
    InitiationPlanFilterSet,
    PlanReviewFilterSet,
    ProjectFilterSet,
    ProjectPlanFilterSet,
    WorkPlanFilterSet,
)
from .forms import (
    AppointForm,
    ChangeRequestForm,
    DependencyForm,
    ImportForm,
    InitiationApplicationForm,
    InitiationPlanForm,
    PlanReviewForm,
    ProgressForm,
    ProjectOpenForm,
    ProjectPlanForm,
    ResolveFindingForm,
    TaskForm,
    TeamMemberForm,
    WorkPlanForm,
)
from .models import (
    ChangeRequest,
    Dependency,
    InitiationApplication,
    InitiationPlan,
    PlanReview,
    Project,
    ProjectPlan,
    ReviewFinding,
    Task,
    TeamMember,
    WorkPlan,
)
from .tables import (
    ChangeRequestTable,
    InitiationApplicationTable,
    InitiationPlanTable,
    PlanReviewTable,
    ProjectPlanTable,
    ProjectTable,
    WorkPlanTable,
)

PROJECT_RECORDS = (
    ("applications", InitiationApplication), ("initiation_plans", InitiationPlan), ("plans", ProjectPlan),
    ("reviews", PlanReview), ("work_plans", WorkPlan), ("changes", ChangeRequest),
)


# ---- projects ---------------------------------------------------------------------------------

class ProjectEditView(ObjectEditView):
    """Opening goes through services.open_project (signed contract, project change detection)."""

    def form_valid(self, form):
        if self.object is not None:
            return super().form_valid(form)
        data = form.cleaned_data
        try:
            with transaction.atomic():
                project = services.open_project(data["contract"], self.request.user, name=data.get("name") or "",
                                                category=data.get("category"),
                                                description=data.get("description") or "")
                if data.get("goals"):
                    project.goals.set(data["goals"])
                    records.log_links(project, self.request.user, {"goals": []})
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Opened project %(p)s.") % {"p": project})
        return hx_redirect(self.request, project.get_absolute_url())


class ProjectDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.object, self.request.user
        team = list(project.team.select_related("user"))
        record_lists = {name: model.objects.filter(project=project).exclude(status="superseded")
                        .select_related("author").order_by("-created") for name, model in PROJECT_RECORDS}
        baseline = project.baseline()
        context.update(
            team=team,
            team_warnings=services.team_warnings(project),
            can_appoint=allowed(user, Project, "appoint"),
            appoint_form=AppointForm(initial={"manager": project.manager_id}),
            can_manage_team=services.can_manage_team(user, project),
            member_form=TeamMemberForm(project=project),
            baseline=baseline,
            progress=services.project_progress(project, baseline),
            goals=project.goals.select_related("annual_goals"),
            records=record_lists,
            can_add={name: allowed(user, model, "add") for name, model in PROJECT_RECORDS},
            open_change=services.open_change(project),
            record_sections=[(name, model._meta.verbose_name_plural,
                              reverse(f"projects:{model._meta.model_name}_add")) for name, model in PROJECT_RECORDS],
        )
        return context


class ProjectActionView(LoginRequiredMixin, View):
    def get_project(self):
        return get_object_or_404(Project.objects.restrict(self.request.user, "view"), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        project = self.get_project()
        try:
            self.act(project, request)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        return hx_redirect(request, project.get_absolute_url() + self.anchor)

    anchor = ""


class AppointView(ProjectActionView):
    anchor = "#team"

    def act(self, project, request):
        form = AppointForm(request.POST)
        if not form.is_valid():
            raise ValidationError(error_messages(ValidationError(form.errors)))
        services.appoint_manager(project, form.cleaned_data["manager"], request.user)
        messages.success(request, _t("%(user)s is the project manager of %(p)s.")
                         % {"user": form.cleaned_data["manager"], "p": project.code})


class TeamMemberView(LoginRequiredMixin, View):
    """Add (…/team/add/) or edit (…/team/<member>/) a team member: the project's PM or the Service Department."""

    template_name = "projects/teammember_edit.html"

    def setup_objects(self, request, pk, member=None):
        project = get_object_or_404(Project.objects.restrict(request.user, "view"), pk=pk)
        if not services.can_manage_team(request.user, project):
            raise PermissionDenied
        instance = get_object_or_404(TeamMember, pk=member, project=project) if member else None
        return project, instance

    def get(self, request, pk, member=None):
        project, instance = self.setup_objects(request, pk, member)
        form = TeamMemberForm(instance=instance, project=project)
        return render(request, self.template_name, {"form": form, "project": project, "member": instance})

    def post(self, request, pk, member=None):
        project, instance = self.setup_objects(request, pk, member)
        if request.POST.get("delete") and instance is not None:
            try:
                services.remove_member(instance, request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(error_messages(exc)))
            return hx_redirect(request, project.get_absolute_url() + "#team")
        before = audit.snapshot(instance) if instance else None
        form = TeamMemberForm(request.POST, instance=instance, project=project)
        if form.is_valid():
            try:
                services.save_member(form.save(commit=False), request.user, before)
            except ValidationError as exc:
                for message in error_messages(exc):
                    form.add_error(None, message)
            else:
                for warning in services.team_warnings(project):
                    messages.warning(request, warning)
                messages.success(request, _t("Team saved."))
                return hx_redirect(request, project.get_absolute_url() + "#team")
        return render(request, self.template_name, {"form": form, "project": project, "member": instance})


class ProgressView(ProjectActionView):
    anchor = "#progress"

    def act(self, project, request):
        form = ProgressForm(request.POST)
        if not form.is_valid():
            raise ValidationError(error_messages(ValidationError(form.errors)))
        data = dict(form.cleaned_data)
        key = data.pop("task_key")
        services.record_progress(project, key, request.user, **data)
        messages.success(request, _t("Progress recorded."))

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        back = request.POST.get("next")
        if back and back.startswith("/projects/"):
            return hx_redirect(request, back)
        return response


class ProjectViews(RecordViews):
    model = Project
    table = ProjectTable
    filterset = ProjectFilterSet
    form = ProjectOpenForm
    select_related = ("customer", "contract", "manager")
    detail_view = ProjectDetailView
    edit_view = ProjectEditView
    detail_fields = ("kind", "category", "customer", "contract", "changes_project", "status", "start_date",
                     "end_date", "manager", "manager_appointed_by", "manager_appointed_at", "opened_by",
                     "description")

    @classmethod
    def urls(cls):
        return super().urls() + [
            path("project/<int:pk>/appoint/", AppointView.as_view(), name="project_appoint"),
            path("project/<int:pk>/team/add/", TeamMemberView.as_view(), name="project_team_add"),
            path("project/<int:pk>/team/<int:member>/", TeamMemberView.as_view(), name="project_team_edit"),
            path("project/<int:pk>/progress/", ProgressView.as_view(), name="project_progress"),
        ]


# ---- project records ----------------------------------------------------------------------------

class ProjectRecordEditView(PrefilledEditView):
    prefill = ("project",)

    def get_initial(self):
        initial = super().get_initial()
        project = Project.objects.filter(pk=initial.get("project") or 0).select_related("contract").first()
        if self.object is None and project is not None:
            initial.update(self.defaults_from(project))
        return initial

    def defaults_from(self, project):
        return {"title": f"{project.name} · {self.model._meta.verbose_name}"}


class ApplicationEditView(ProjectRecordEditView):
    def defaults_from(self, project):
        return {**super().defaults_from(project), "contract": project.contract_id, "category": project.category,
                "project_manager": project.manager_id, "planned_start": project.start_date,
                "planned_end": project.end_date}


class ChangeEditView(ProjectRecordEditView):
    def defaults_from(self, project):
        baseline = project.baseline()
        return {**super().defaults_from(project), "baseline": baseline.pk if baseline else None}


class ProjectRecordViews(RecordViews):
    select_related = ("owner_department", "author", "project")
    edit_view = ProjectRecordEditView


class InitiationApplicationViews(ProjectRecordViews):
    model = InitiationApplication
    table = InitiationApplicationTable
    filterset = InitiationApplicationFilterSet
    form = InitiationApplicationForm
    edit_view = ApplicationEditView
    detail_fields = ("project", "contract", "category", "project_manager", "planned_start", "planned_end", "budget",
                     "necessity", "feasibility", "owner_department", "confidentiality", "change_note")


class InitiationPlanViews(ProjectRecordViews):
    model = InitiationPlan
    table = InitiationPlanTable
    filterset = InitiationPlanFilterSet
    form = InitiationPlanForm
    detail_fields = ("project", "objectives", "scope", "organisation", "schedule", "resources", "budget",
                     "owner_department", "change_note")


class ProjectPlanDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context.update(
            objectives=plan.objectives.select_related("owner", "sla_target"),
            milestones=plan.milestones.all(),
            risks=plan.risks.select_related("owner"),
            reviews=PlanReview.objects.filter(plan=plan).exclude(status="superseded").prefetch_related("findings"),
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


# ---- work plans -------------------------------------------------------------------------------

def gantt_payload(plan, tasks, links, editable):
    parents = {t.parent_id for t in tasks if t.parent_id}
    return {
        "editable": editable,
        "tasks": [{"id": t.pk, "wbs": t.wbs, "name": t.name, "start": t.planned_start.isoformat(),
                   "end": t.planned_end.isoformat(), "milestone": t.is_milestone, "summary": t.pk in parents,
                   "level": t.wbs.count("."), "assignee": str(t.assignee) if t.assignee_id else ""} for t in tasks],
        "links": [{"from": d.predecessor_id, "to": d.successor_id, "lag": d.lag_days} for d in links],
        "labels": {"moved": _t("Moved %(n)s tasks."), "error": _t("The task could not be moved."),
                   "drag": _t("Drag a bar to move the task; its successors follow.")},
    }


class WorkPlanDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        tasks = list(plan.tasks.select_related("assignee").order_by("position", "pk"))
        links = list(plan.dependencies.all())
        names = {t.pk: t.wbs or t.name for t in tasks}
        predecessors = {}
        for link in links:
            lag = f"+{link.lag_days}" if link.lag_days > 0 else (str(link.lag_days) if link.lag_days else "")
            predecessors.setdefault(link.successor_id, []).append(f"{names.get(link.predecessor_id, '?')}{lag}")
        progress = services.progress_by_key(plan.project)
        editable = plan.is_editable and allowed(user, Task, "change")
        for task in tasks:
            task.depth = task.wbs.count(".")
            task.predecessor_text = ", ".join(predecessors.get(task.pk, []))
            task.progress = progress.get(task.key)
        baseline = plan.project.baseline()
        comparison = services.compare(baseline, plan) if baseline and baseline.pk != plan.pk \
            and plan.version > baseline.version else None
        context.update(
            tasks=tasks, links=links, editable=editable,
            gantt=gantt_payload(plan, tasks, links, editable),
            problems=services.plan_problems(plan) if plan.is_editable else [],
            is_baseline=baseline is not None and baseline.pk == plan.pk,
            baseline=baseline, comparison=comparison,
            can_record_progress=baseline is not None and baseline.pk == plan.pk
            and services.can_record_progress(user, plan.project),
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

    def get(self, request, pk, task=None):
        plan, instance = self.objects(request, pk, task)
        initial = {"parent": request.GET.get("parent")} if not instance else {}
        form = TaskForm(instance=instance, work_plan=plan, initial=initial)
        return render(request, self.template_name, {"form": form, "plan": plan, "task": instance})

    def post(self, request, pk, task=None):
        plan, instance = self.objects(request, pk, task)
        if request.POST.get("delete") and instance is not None:
            try:
                services.delete_task(instance, request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(error_messages(exc)))
            return hx_redirect(request, plan.get_absolute_url() + "#tasks")
        before = audit.snapshot(instance) if instance else None
        form = TaskForm(request.POST, instance=instance, work_plan=plan)
        if form.is_valid():
            try:
                services.save_task(form.save(commit=False), request.user, before)
            except ValidationError as exc:
                for message in error_messages(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _t("Task saved."))
                return hx_redirect(request, plan.get_absolute_url() + "#tasks")
        return render(request, self.template_name, {"form": form, "plan": plan, "task": instance})


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
                records.create(form.save(commit=False), request.user)
            messages.success(request, _t("Dependencies saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        return hx_redirect(request, plan.get_absolute_url() + "#dependencies")


class RescheduleView(WorkPlanChildView):
    """POST {"task": id, "start": "YYYY-MM-DD"} from the Gantt chart: moves the task and its successors."""

    def post(self, request, pk):
        plan = self.get_plan()
        if not allowed(request.user, Task, "change"):
            return JsonResponse({"error": _t("Your role may not do this.")}, status=403)
        try:
            payload = json.loads(request.body or b"{}")
            task = get_object_or_404(Task, pk=int(payload["task"]), work_plan=plan)
            start = date.fromisoformat(payload["start"])
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"error": _t("Give a task and a start date (YYYY-MM-DD).")}, status=400)
        try:
            moved = services.reschedule(plan, task, start, request.user)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(error_messages(exc))}, status=400)
        return JsonResponse({"moved": [{"id": m["id"], "start": m["planned_start"].isoformat(),
                                        "end": m["planned_end"].isoformat()} for m in moved]})


class ImportView(WorkPlanChildView):
    def post(self, request, pk):
        from .xlsx import read_tasks

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

        from .xlsx import work_plan_xlsx

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


# ---- change requests ------------------------------------------------------------------------

class ChangeRequestDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = self.object
        revision = change.revision()
        context.update(revision=revision, comparison=services.comparison_for(change),
                       can_prepare=change.status == "requested" and allowed(self.request.user, WorkPlan, "change"))
        return context


class PrepareRevisionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        change = get_object_or_404(ChangeRequest.objects.restrict(request.user, "view"), pk=pk)
        try:
            revision = services.start_revision(change, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return hx_redirect(request, change.get_absolute_url())
        messages.success(request, _t("Version %(v)s of the work plan is the revised draft of this change.")
                         % {"v": revision.version})
        return hx_redirect(request, revision.get_absolute_url())


class ChangeRequestViews(ProjectRecordViews):
    model = ChangeRequest
    table = ChangeRequestTable
    filterset = ChangeRequestFilterSet
    form = ChangeRequestForm
    edit_view = ChangeEditView
    detail_view = ChangeRequestDetailView
    detail_fields = ("project", "baseline", "kind", "reason", "form", "verbal_from", "verbal_at", "change_note")

    @classmethod
    def urls(cls):
        return super().urls() + [path("changerequest/<int:pk>/revise/", PrepareRevisionView.as_view(),
                                      name="changerequest_revise")]


def project_url(project, anchor=""):
    return reverse("projects:project_detail", args=[project.pk]) + anchor
