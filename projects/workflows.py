"""The record types of the project stage and their workflows (who may press what comes from core.permissions).

* Initiation application 项目立项申请表: a two-step approval modelled as two transitions with their own
  roles: ``approve_department`` (Service Department manager: in review → division review) THEN
  ``approve`` (Technical Service Division director: division review → approved). Either step may
  return it (``return`` / ``division_return``, comment required).
* Initiation plan, project plan: the generic review flow. The project plan is approved by the
  Technical Service Division only when a concluded review of that version passed and every finding
  is closed or accepted.
* Plan review: open → concluded (by the PM) once reviewers and a verdict are recorded.
* Work plan: submitted by the PM only after the project plan is approved; approved by the Service
  Department manager only (or a delegate). A revision of an approved plan moves only through its change
  request: the change request's transitions fire the hidden ``REVISION_FLOW`` on the revision.
* Change request: draft → requested (PM) → checked (PM checks the revised plan) → approved (Service
  Department manager: the revision becomes the baseline) or rejected (the revision is marked rejected,
  the baseline stays).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import display, navigation, scopes, workflow
from core.choices import RecordStatus
from core.permissions import crud, declare, review_flow
from core.registry import PROJECT_TEAM, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    Condition,
    Transition,
    Workflow,
    edit_record,
    generic_review_workflow,
    next_review_round,
    open_record,
    open_related,
    set_approved,
    supersede_predecessors,
)

from .choices import (
    PASSING_VERDICTS,
    ChangeStatus,
    FindingState,
    InitiationStatus,
    ReviewStatus,
    ReviewVerdict,
    WorkPlanStatus,
)
from .models import Project

# ---- initiation application: department manager THEN Technical Service Division -------------

INITIATION_WORKFLOW = Workflow(
    states=InitiationStatus,
    initial=InitiationStatus.DRAFT,
    transitions=(
        Transition("submit", _("Submit for approval"), (InitiationStatus.DRAFT, InitiationStatus.RETURNED),
                   InitiationStatus.IN_REVIEW, effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (InitiationStatus.IN_REVIEW,), InitiationStatus.DRAFT,
                   style="secondary", only_submitter=True),
        Transition("approve_department", _("Approve (department)"), (InitiationStatus.IN_REVIEW,),
                   InitiationStatus.DEPT_APPROVED, conditions=(NOT_AUTHOR,), style="success", decides=True),
        Transition("return", _("Return for rework"), (InitiationStatus.IN_REVIEW,), InitiationStatus.RETURNED,
                   comment_required=True, style="warning", decides=True),
        Transition("approve", _("Approve (Technical Service Division)"), (InitiationStatus.DEPT_APPROVED,),
                   InitiationStatus.APPROVED, conditions=(NOT_AUTHOR,),
                   effects=(set_approved, supersede_predecessors), style="success", decides=True),
        Transition("division_return", _("Return for rework (division)"), (InitiationStatus.DEPT_APPROVED,),
                   InitiationStatus.RETURNED, comment_required=True, style="warning", decides=True),
    ),
)


# ---- project plan and its review ---------------------------------------------------------------

def passed_review(plan, user=None):
    from .models import PlanReview

    reviews = PlanReview.objects.filter(plan=plan, status=ReviewStatus.APPROVED, verdict__in=PASSING_VERDICTS)
    return any(not review.findings.filter(state=FindingState.OPEN).exists() for review in reviews)


def plan_review_fix(plan):
    """The plan's current review (to conclude it or close its findings), else a new review of the plan."""
    from django.urls import reverse
    from django.utils.translation import gettext as _t

    from .models import PlanReview

    review = PlanReview.objects.filter(plan=plan).exclude(status=ReviewStatus.SUPERSEDED).order_by("-pk").first()
    if review is not None:
        return open_record(review, None)
    return (_t("Organise the plan review"),
            reverse("projects:planreview_add") + f"?project={plan.project_id}&plan={plan.pk}")


def latest_plan(work_plan):
    from .models import ProjectPlan

    return ProjectPlan.objects.filter(project=work_plan.project_id).order_by("-version", "-pk").first()


REVIEW_PASSED = Condition(passed_review, _("The plan needs a concluded review that passed, with every finding closed "
                                           "or accepted."), fix=lambda plan, user: plan_review_fix(plan))
HAS_OBJECTIVES = Condition(lambda plan, user: plan.objectives.exists(),
                           _("Give at least one measurable quality objective."), fix=edit_record)
HAS_REPORTING = Condition(lambda plan, user: bool(plan.report_sections),
                          _("Agree the content of the service report with the customer."), fix=edit_record)

PLAN_WORKFLOW = generic_review_workflow(submit_conditions=(HAS_OBJECTIVES, HAS_REPORTING),
                                        approve_conditions=(NOT_AUTHOR, REVIEW_PASSED))
INITIATION_PLAN_WORKFLOW = generic_review_workflow()

VERDICT_GIVEN = Condition(lambda review, user: review.verdict != ReviewVerdict.PENDING,
                          _("Record the review's verdict."), fix=edit_record)
HAS_REVIEWERS = Condition(lambda review, user: review.reviewers.exists(), _("List the reviewers."), fix=edit_record)

REVIEW_WORKFLOW = Workflow(
    states=ReviewStatus,
    initial=ReviewStatus.DRAFT,
    transitions=(
        Transition("conclude", _("Conclude the review"), (ReviewStatus.DRAFT,), ReviewStatus.APPROVED,
                   conditions=(HAS_REVIEWERS, VERDICT_GIVEN), effects=(set_approved, supersede_predecessors),
                   style="success"),
    ),
    editable_states=(ReviewStatus.DRAFT,),
    frozen_states=(ReviewStatus.APPROVED,),
)


# ---- work plan -------------------------------------------------------------------------------

def plan_approved(work_plan, user=None):
    return work_plan.project.approved_plan() is not None


def first_version(work_plan, user=None):
    return work_plan.change_request_id is None and work_plan.predecessor_id is None


def plan_is_sound(work_plan, user=None):
    from .services import plan_problems

    return not plan_problems(work_plan)


def change_is(*statuses):
    def check(work_plan, user=None):
        return work_plan.change_request_id is not None and work_plan.change_request.status in statuses
    return check


PLAN_APPROVED = Condition(plan_approved, _("The project plan must be approved before the work plan is submitted."),
                          fix=open_related(latest_plan))
FIRST_VERSION = Condition(first_version, _("A revision of an approved work plan takes effect only through a change "
                                           "request (its transitions move the revision)."))
SOUND_PLAN = Condition(plan_is_sound, _("The work plan has problems: no tasks, assignees not on the team, a "
                                        "dependency loop or dates that break a dependency; see the plan page."),
                       fix=open_record)

WORK_PLAN_WORKFLOW = Workflow(
    states=WorkPlanStatus,
    initial=WorkPlanStatus.DRAFT,
    transitions=(
        Transition("submit", _("Submit for approval"), (WorkPlanStatus.DRAFT, WorkPlanStatus.RETURNED),
                   WorkPlanStatus.IN_REVIEW, conditions=(PLAN_APPROVED, FIRST_VERSION, SOUND_PLAN),
                   effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (WorkPlanStatus.IN_REVIEW,), WorkPlanStatus.DRAFT,
                   conditions=(FIRST_VERSION,), style="secondary", only_submitter=True),
        Transition("approve", _("Approve (becomes the baseline)"), (WorkPlanStatus.IN_REVIEW,),
                   WorkPlanStatus.APPROVED, conditions=(NOT_AUTHOR, PLAN_APPROVED, FIRST_VERSION),
                   effects=(set_approved, supersede_predecessors), style="success", decides=True),
        Transition("return", _("Return for rework"), (WorkPlanStatus.IN_REVIEW,), WorkPlanStatus.RETURNED,
                   conditions=(FIRST_VERSION,), comment_required=True, style="warning", decides=True),
    ),
    frozen_states=(WorkPlanStatus.APPROVED, WorkPlanStatus.REJECTED),
)

# Not bound to the record type: fired only by the change request's transitions (roles from the matrix).
REVISION_FLOW = Workflow(
    states=WorkPlanStatus,
    initial=WorkPlanStatus.DRAFT,
    transitions=(
        Transition("submit_revision", _("Submit the revised plan"), (WorkPlanStatus.DRAFT, WorkPlanStatus.RETURNED),
                   WorkPlanStatus.IN_REVIEW,
                   conditions=(PLAN_APPROVED, SOUND_PLAN,
                               Condition(change_is(ChangeStatus.CHECKED), _("The change request is not checked."))),
                   effects=(next_review_round,)),
        Transition("approve_revision", _("Approve the revised plan"), (WorkPlanStatus.IN_REVIEW,),
                   WorkPlanStatus.APPROVED,
                   conditions=(Condition(change_is(ChangeStatus.APPROVED), _("The change request is not approved.")),),
                   effects=(set_approved, supersede_predecessors)),
        Transition("rework_revision", _("Return the revised plan"), (WorkPlanStatus.IN_REVIEW,),
                   WorkPlanStatus.RETURNED,
                   conditions=(Condition(change_is(ChangeStatus.REQUESTED), _("The change is not sent back.")),)),
        Transition("reject_revision", _("Reject the revised plan"),
                   (WorkPlanStatus.DRAFT, WorkPlanStatus.RETURNED, WorkPlanStatus.IN_REVIEW), WorkPlanStatus.REJECTED,
                   conditions=(Condition(change_is(ChangeStatus.REJECTED), _("The change is not rejected.")),)),
    ),
    frozen_states=(WorkPlanStatus.APPROVED, WorkPlanStatus.REJECTED),
)


# ---- change request ----------------------------------------------------------------------------

def baseline_in_force(change, user=None):
    return change.baseline.status == WorkPlanStatus.APPROVED


def no_other_open_change(change, user=None):
    from .models import ChangeRequest

    return not ChangeRequest.objects.filter(project_id=change.project_id,
                                            status__in=[ChangeStatus.REQUESTED, ChangeStatus.CHECKED]) \
        .exclude(pk=change.pk).exists()


def other_open_change(change):
    from .models import ChangeRequest

    return ChangeRequest.objects.filter(project_id=change.project_id,
                                        status__in=[ChangeStatus.REQUESTED, ChangeStatus.CHECKED]) \
        .exclude(pk=change.pk).order_by("pk").first()


def baseline_in_force_of(change):
    return change.project.baseline()


def revision_ready(change, user=None):
    revision = change.revision()
    return revision is not None and revision.status in (WorkPlanStatus.DRAFT, WorkPlanStatus.RETURNED)


def revision_differs(change, user=None):
    from .services import compare

    revision = change.revision()
    if revision is None:
        return False
    summary = compare(change.baseline, revision)["summary"]
    return any(summary[k] for k in ("added", "removed", "changed"))


def _revision_step(name):
    def effect(change, user):
        revision = change.revision()
        if revision is not None and name in {t.name for t in REVISION_FLOW.transitions} and \
                revision.status in REVISION_FLOW.transition(name).sources:
            workflow.fire(revision, name, user, workflow=REVISION_FLOW,
                          comment=display.message(gettext_noop("Through change request %(cr)s."), cr=change.number))
    return effect


def freeze_comparison(change, user):
    from .models import ChangeRequest
    from .services import compare

    revision = change.revision()
    if revision is not None:
        ChangeRequest.objects.filter(pk=change.pk).update(comparison=compare(change.baseline, revision))


CHANGE_WORKFLOW = Workflow(
    states=ChangeStatus,
    initial=ChangeStatus.DRAFT,
    transitions=(
        Transition("request", _("Request the change"), (ChangeStatus.DRAFT,), ChangeStatus.REQUESTED,
                   conditions=(Condition(baseline_in_force, _("The change must start from the approved work plan in "
                                                              "force."), fix=open_related(baseline_in_force_of)),
                               Condition(no_other_open_change, _("Another change of this project is still open."),
                                         fix=open_related(other_open_change))),
                   effects=(next_review_round,)),
        Transition("check", _("Checked: submit the revised plan"), (ChangeStatus.REQUESTED,), ChangeStatus.CHECKED,
                   conditions=(Condition(revision_ready, _("Prepare the revised work plan first."), fix=open_record),
                               Condition(revision_differs, _("The revised plan does not differ from the baseline."),
                                         fix=open_related(lambda change: change.revision()))),
                   effects=(_revision_step("submit_revision"),)),
        Transition("approve", _("Approve the change"), (ChangeStatus.CHECKED,), ChangeStatus.APPROVED,
                   conditions=(NOT_AUTHOR,), effects=(set_approved, freeze_comparison,
                                                      _revision_step("approve_revision")), style="success",
                   decides=True),
        Transition("rework", _("Send back for rework"), (ChangeStatus.CHECKED,), ChangeStatus.REQUESTED,
                   comment_required=True, effects=(_revision_step("rework_revision"),), style="warning",
                   decides=True),
        # Not `decides`: a requested change waits on its check, though the approver may reject it at any time.
        Transition("reject", _("Reject the change"), (ChangeStatus.REQUESTED, ChangeStatus.CHECKED),
                   ChangeStatus.REJECTED, comment_required=True,
                   effects=(freeze_comparison, _revision_step("reject_revision")), style="danger"),
    ),
    editable_states=(ChangeStatus.DRAFT, ChangeStatus.REQUESTED),
    # A decided change is frozen; a rejected one may be requested again as its next version.
    frozen_states=(ChangeStatus.APPROVED, ChangeStatus.REJECTED),
)

# A project record's contract is its project's.
PROJECT_SCOPE = {"project": "project", "contract": "project__contract"}
registry.bind("initiation_application", "projects.InitiationApplication", INITIATION_WORKFLOW, scope=PROJECT_SCOPE)
registry.bind("initiation_plan", "projects.InitiationPlan", INITIATION_PLAN_WORKFLOW, scope=PROJECT_SCOPE)
registry.bind("project_plan", "projects.ProjectPlan", PLAN_WORKFLOW, scope=PROJECT_SCOPE)
registry.declare(RecordType("plan_review", _("Project plan review record"), PROJECT_TEAM, "SP-REV",
                            spec="SP-4.3.5"))
registry.bind("plan_review", "projects.PlanReview", REVIEW_WORKFLOW, scope=PROJECT_SCOPE)
registry.bind("work_plan", "projects.WorkPlan", WORK_PLAN_WORKFLOW, scope=PROJECT_SCOPE)
registry.declare(RecordType("change_request", _("Work plan change request"), PROJECT_TEAM, "SP-CHG",
                            spec="SP-4.4.3"))
registry.bind("change_request", "projects.ChangeRequest", CHANGE_WORKFLOW, scope=PROJECT_SCOPE)

__all__ = ["CHANGE_WORKFLOW", "INITIATION_WORKFLOW", "PLAN_WORKFLOW", "REVIEW_WORKFLOW", "REVISION_FLOW",
           "RecordStatus", "WORK_PLAN_WORKFLOW"]


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# The Service Department opens projects and appoints PMs; the PM and the project team write the plans; the TSD
# approves plans; the Service Department manager approves work plans and their changes.
PROJECT_OPENERS = {R.SERVICE_MANAGER, R.SERVICE_STAFF, R.ADMIN}
PLAN_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
WORK_PLAN_EDITORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.TEAM_MEMBER, R.ADMIN}
PROGRESS_RECORDERS = {R.PROJECT_MANAGER, R.TEAM_MEMBER, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
PM, SM = {R.PROJECT_MANAGER}, {R.SERVICE_MANAGER}
# The project roles act only inside the projects they manage or are on (and those projects' contracts and
# customers); the departments act company-wide.
scopes.confine({R.PROJECT_MANAGER, R.TEAM_MEMBER}, reach=Project.objects.reach)
declare({
    "projects.project": {**crud(PROJECT_OPENERS, delete={R.ADMIN}), "change": PROJECT_OPENERS | PM,
                         "appoint": SM | {R.ADMIN}},
    "projects.teammember": crud({R.PROJECT_MANAGER, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.ADMIN}),
    # The initiation application: department manager THEN Technical Service Division (two transitions).
    "projects.initiationapplication": {**review_flow(PLAN_AUTHORS, {R.TSD_DIRECTOR}), "approve_department": SM,
                                       "return": SM, "division_return": {R.TSD_DIRECTOR}},
    "projects.initiationplan": review_flow(PLAN_AUTHORS, {R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
    "projects.projectplan": review_flow(PLAN_AUTHORS, {R.TSD_DIRECTOR}),
    "projects.qualityobjective": crud(PLAN_AUTHORS),
    "projects.planmilestone": crud(PLAN_AUTHORS),
    "projects.planrisk": crud(PLAN_AUTHORS),
    "projects.planreview": {**crud(PLAN_AUTHORS), "conclude": PLAN_AUTHORS},
    "projects.reviewfinding": crud(PLAN_AUTHORS),
    # Only the Service Department manager (or a delegate) approves a work plan; revisions move through the
    # change request, whose transitions fire the *_revision ones.
    "projects.workplan": {**crud(WORK_PLAN_EDITORS), "submit": PM, "withdraw": PM, "approve": SM, "return": SM,
                          "submit_revision": PM, "approve_revision": SM, "rework_revision": SM,
                          "reject_revision": SM},
    "projects.task": crud(WORK_PLAN_EDITORS),
    "projects.dependency": crud(WORK_PLAN_EDITORS),
    "projects.taskprogress": {"view": READ_ALL, "add": PROGRESS_RECORDERS, "change": PROGRESS_RECORDERS},
    "projects.changerequest": {**crud(PM | {R.ADMIN}), "request": PM, "check": PM, "approve": SM, "rework": SM,
                               "reject": SM},
})
navigation.add("planning", _("Projects"), "projects:project_list", "projects.project",
               roles={R.SERVICE_MANAGER, R.SERVICE_STAFF, R.PROJECT_MANAGER, R.TEAM_MEMBER, R.TSD_DIRECTOR,
                      R.GENERAL_MANAGER})
navigation.add("planning", _("Project initiation applications"), "projects:initiationapplication_list",
               "projects.initiationapplication",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER, R.TSD_DIRECTOR})
navigation.add("planning", _("Project initiation plans"), "projects:initiationplan_list", "projects.initiationplan",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER, R.TSD_DIRECTOR})
navigation.add("planning", _("Project plans"), "projects:projectplan_list", "projects.projectplan",
               roles={R.PROJECT_MANAGER, R.TSD_DIRECTOR})
navigation.add("planning", _("Plan reviews"), "projects:planreview_list", "projects.planreview",
               roles={R.PROJECT_MANAGER, R.TSD_DIRECTOR})
navigation.add("implementation", _("Project work plans"), "projects:workplan_list", "projects.workplan",
               roles={R.PROJECT_MANAGER, R.TEAM_MEMBER, R.SERVICE_MANAGER})
navigation.add("implementation", _("Work plan change requests"), "projects:changerequest_list",
               "projects.changerequest",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER})
