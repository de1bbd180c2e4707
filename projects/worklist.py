"""The project stage's work-queue sources (core.worklist): the next step of SP-4.3/4.4 for the person who
takes it, each linking to the form that takes it (prefilled with the project or contract).

signed contract without a project → the Service Department opens it; project without a manager → the
Service Department manager appoints one; then, for the project's manager: initiation application →
(approved) initiation plan and project plan → the plan's review → (plan approved) work plan.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _t

from contracts.models import Contract
from core.choices import RecordStatus
from core.permissions import allowed
from core.worklist import Item, Kind, does_daily, record_key, register

from .choices import PASSING_VERDICTS, InitiationStatus, ProjectStatus, ReviewStatus
from .models import InitiationApplication, InitiationPlan, PlanReview, Project, ProjectPlan, WorkPlan

LIVE = (RecordStatus.DRAFT, RecordStatus.IN_REVIEW, RecordStatus.RETURNED, RecordStatus.APPROVED)


def _add_url(name, **query):
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


@register
def projects_to_open(user, today):
    """Signed contracts (versions) without a project: the Service Department opens one."""
    if not does_daily(user, Project, "add"):
        return
    contracts = Contract.objects.signed().filter(~Exists(Project.objects.filter(contract=OuterRef("pk")))) \
        .select_related("customer").order_by("number")
    for contract in contracts.restrict(user, "view")[:50]:
        yield Item(f"open_project:contract={contract.number}:v{contract.version}", Kind.WRITE,
                   _t("Open the project of the signed contract %(contract)s · %(customer)s")
                   % {"contract": contract.number, "customer": contract.customer},
                   _add_url("projects:project_add", contract=contract.pk), record=contract)


@register
def managers_to_appoint(user, today):
    if not does_daily(user, Project, "appoint"):
        return
    for project in Project.objects.restrict(user, "view").filter(status=ProjectStatus.OPEN, manager__isnull=True)[:50]:
        yield Item(f"appoint_manager:project={project.pk}", Kind.WRITE,
                   _t("Appoint the project manager of %(project)s") % {"project": project},
                   project.get_absolute_url(), record=project)


def _latest(model, projects):
    """{project id: latest version} of a project record type for these projects (one query)."""
    latest = {}
    for row in model.objects.filter(project__in=projects).order_by("version"):
        latest[row.project_id] = row
    return latest


@register
def project_steps(user, today):
    """The next record the manager of each open project must write, once the one before it is approved."""
    projects = list(Project.objects.filter(manager=user, status=ProjectStatus.OPEN))
    if not projects:
        return
    applications, initiation_plans = _latest(InitiationApplication, projects), _latest(InitiationPlan, projects)
    plans, work_plans = _latest(ProjectPlan, projects), _latest(WorkPlan, projects)
    for project in projects:
        for key, title, url in _next_steps(user, project, applications.get(project.pk),
                                           initiation_plans.get(project.pk), plans.get(project.pk),
                                           work_plans.get(project.pk)):
            key = key if key.startswith("record:") else f"{key}:project={project.pk}"
            yield Item(key, Kind.WRITE, title % {"project": project}, url, record=project)


def _next_steps(user, project, application, initiation_plan, plan, work_plan):
    """(key, title, url) of the records the manager must write next. The initiation plan and the project plan
    both follow the approved application; the plan's review precedes its approval; the work plan follows it."""
    if application is None:
        if allowed(user, InitiationApplication, "add"):
            yield ("initiation_application", _t("Write the initiation application of %(project)s"),
                   _add_url("projects:initiationapplication_add", project=project.pk))
        return
    if application.status != InitiationStatus.APPROVED:
        return  # in its own review: the draft/returned/approval items cover it
    if initiation_plan is None:
        yield ("initiation_plan", _t("Write the initiation plan of %(project)s"),
               _add_url("projects:initiationplan_add", project=project.pk))
    if plan is None:
        yield ("project_plan", _t("Write the project plan of %(project)s"),
               _add_url("projects:projectplan_add", project=project.pk))
        return
    if plan.status == RecordStatus.IN_REVIEW and not PlanReview.objects.filter(
            plan=plan, status=ReviewStatus.APPROVED, verdict__in=PASSING_VERDICTS).exists():
        draft = PlanReview.objects.filter(plan=plan, status=ReviewStatus.DRAFT).first()
        if draft is not None:
            yield (record_key("plan_review", draft.pk), _t("Conclude the review of the project plan of %(project)s"),
                   draft.get_absolute_url())
        else:
            yield ("plan_review", _t("Review the project plan of %(project)s"),
                   _add_url("projects:planreview_add", project=project.pk, plan=plan.pk))
    if plan.status == RecordStatus.APPROVED and work_plan is None:
        yield ("work_plan", _t("Write the work plan of %(project)s"),
               _add_url("projects:workplan_add", project=project.pk))
