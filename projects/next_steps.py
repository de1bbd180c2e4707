"""The project stage's forward actions (core.extensions.register_action): the next step as a button on the
record that enables it, shown only when the state enables it and the reader may take it."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.choices import RecordStatus
from core.extensions import Action, register_action
from core.permissions import allowed

from .choices import ChangeStatus, InitiationStatus, ProjectStatus, WorkPlanStatus
from .models import (
    ChangeRequest,
    InitiationApplication,
    InitiationPlan,
    Project,
    ProjectPlan,
    WorkPlan,
)


def _url(name, **query):
    return f"{reverse(name)}?{urlencode(query)}"


def _may_add(user, model, project):
    """May the user write a `model` record for this project (open: a closed one takes no new records; the matrix and
    the project's scope)?"""
    return project.status == ProjectStatus.OPEN \
        and allowed(user, model(project=project, customer_id=project.customer_id), "add")


def open_project(contract, user):
    from .services import contract_is_signed

    if contract_is_signed(contract) and not Project.objects.filter(contract=contract).exists() \
            and allowed(user, Project, "add"):
        yield Action(_t("Open project"), _url("projects:project_add", contract=contract.pk), "folder-plus",
                     "open-project")


def project_next(project, user):
    if project.manager_id is None or InitiationApplication.objects.filter(project=project).exists():
        return
    if _may_add(user, InitiationApplication, project):
        yield Action(_t("Write initiation application"),
                     _url("projects:initiationapplication_add", project=project.pk), "file-earmark-plus",
                     "write-initiation-application")


def application_next(application, user):
    """An approved application leads to the initiation plan and the project plan."""
    if application.status != InitiationStatus.APPROVED or not application.is_latest:
        return
    project = application.project
    if not InitiationPlan.objects.filter(project=project).exists() and _may_add(user, InitiationPlan, project):
        yield Action(_t("Write initiation plan"), _url("projects:initiationplan_add", project=project.pk),
                     "file-earmark-plus", "write-initiation-plan")
    if not ProjectPlan.objects.filter(project=project).exists() and _may_add(user, ProjectPlan, project):
        yield Action(_t("Write project plan"), _url("projects:projectplan_add", project=project.pk),
                     "file-earmark-plus", "write-project-plan")


def project_plan_next(plan, user):
    project = plan.project
    # (its review is organised from the plan page's own "Organise a review" button)
    if plan.status == RecordStatus.APPROVED and plan.is_latest \
            and not WorkPlan.objects.filter(project=project).exists() and _may_add(user, WorkPlan, project):
        yield Action(_t("Write work plan"), _url("projects:workplan_add", project=project.pk), "calendar-plus",
                     "write-work-plan")


def work_plan_next(work_plan, user):
    if work_plan.status != WorkPlanStatus.APPROVED:
        return
    open_change = ChangeRequest.objects.filter(project=work_plan.project_id,
                                               status__in=[ChangeStatus.DRAFT, ChangeStatus.REQUESTED,
                                                           ChangeStatus.CHECKED])
    if not open_change.exists() and _may_add(user, ChangeRequest, work_plan.project):
        yield Action(_t("Request change"), _url("projects:changerequest_add", project=work_plan.project_id),
                     "arrow-repeat", "request-change")


def register():
    register_action("contracts.contract", open_project)
    register_action("projects.project", project_next)
    register_action("projects.initiationapplication", application_next)
    register_action("projects.projectplan", project_plan_next)
    register_action("projects.workplan", work_plan_next)
