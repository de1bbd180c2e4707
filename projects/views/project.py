"""Pages of a project: opening it, appointing its manager, its team and progress; the base of its records' pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views import View

from core import audit
from core.choices import RecordStatus
from core.permissions import allowed
from core.views import ObjectDetailView, PrefilledEditView, RecordViews, error_messages, hx_redirect

from .. import services
from ..filtersets import ProjectFilterSet
from ..forms import AppointForm, ProgressForm, ProjectOpenForm, TeamMemberForm
from ..models import (
    ChangeRequest,
    InitiationApplication,
    InitiationPlan,
    PlanReview,
    Project,
    ProjectPlan,
    TeamMember,
    WorkPlan,
)
from ..tables import ProjectTable

PROJECT_RECORDS = (
    ("applications", InitiationApplication), ("initiation_plans", InitiationPlan), ("plans", ProjectPlan),
    ("reviews", PlanReview), ("work_plans", WorkPlan), ("changes", ChangeRequest),
)


# ---- projects ---------------------------------------------------------------------------------

class ProjectEditView(PrefilledEditView):
    """Opening goes through services.open_project (signed contract, project change detection); opened from the
    contract or the work queue (?contract=) with that contract chosen."""

    prefill = ("contract",)

    def form_valid(self, form):
        if self.object is not None:
            return super().form_valid(form)
        data = form.cleaned_data
        try:
            project = services.open_project(data["contract"], self.request.user, name=data.get("name") or "",
                                            category=data.get("category"), description=data.get("description") or "",
                                            goals=data.get("goals") or ())
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
        record_lists = {name: model.objects.filter(project=project).exclude(status=RecordStatus.SUPERSEDED)
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


# ---- the base of every project record's pages --------------------------------------------------

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


class ProjectRecordViews(RecordViews):
    select_related = ("owner_department", "author", "project")
    edit_view = ProjectRecordEditView
