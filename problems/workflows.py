"""The problem record type 问题 (SP-4.5.4), its workflow, permission rows and menu entries.

identified (draft) → under analysis → solution in review (every analysis field stated) → solution approved (the
Service Department manager) → implementing (the project team does the tasks) → verification (fix date: the last
task done) → closed (no recurrence since the fix date, or a stated reason). A returned solution goes back to
analysis; a recurrence during verification sends the problem back to implementing.
"""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import declare
from core.registry import SERVICE_DEPT, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    ApprovalRule,
    Condition,
    Transition,
    Workflow,
    edit_record,
    next_review_round,
    open_record,
    set_approved,
    supersede_predecessors,
)

from .choices import ProblemStatus as S


def _check(name):
    def check(problem, user):
        from . import services

        return services.ANALYSIS_CHECKS[name](problem)
    return check


def _every_task_done(problem, user):
    from .services import every_task_done

    return every_task_done(problem)


def _no_recurrence(problem, user):
    from .services import no_recurrence

    return no_recurrence(problem)


def _set_fix_date(problem, user):
    from .services import set_fix_date

    set_fix_date(problem, user)


def _freeze_sla(problem, user):
    from .services import freeze

    freeze(problem, user, "sla")


def _freeze_all(problem, user):
    from .services import freeze

    freeze(problem, user, "sla", "verification")


CAUSES = Condition(_check("causes"), _("State the causes with a root-cause method (5 whys, or a category for every "
                                       "cause)."), fix=edit_record)
TREND = Condition(_check("trend"), _("Describe the trend of potential problems."), fix=edit_record)
SLA = Condition(_check("sla"), _("Link the tickets the problem explains: the conformance to the SLA is computed from "
                                 "them."), fix=edit_record)
IMPACT = Condition(_check("impact"), _("State the impact and risk to the customer's systems: the text, the risk "
                                       "level and the configuration items affected."), fix=edit_record)
SOLUTION = Condition(_check("solution"), _("Draw up the solution and the tasks the project team carries it out "
                                           "with."), fix=edit_record)
ANALYSIS = (CAUSES, TREND, SLA, IMPACT, SOLUTION)
TASKS_DONE = Condition(_every_task_done, _("Every solution task must be done first."), fix=open_record)
NO_RECURRENCE = Condition(_no_recurrence, _("The verification shows tickets since the fix date: close with a stated "
                                            "reason, or send the problem back to implementing."), fix=open_record)

PROBLEM_WORKFLOW = Workflow(
    states=S,
    initial=S.DRAFT,
    transitions=(
        Transition("analyse", _("Start the analysis"), (S.DRAFT,), S.ANALYSIS),
        Transition("submit", _("Submit the solution for review"), (S.ANALYSIS,), S.IN_REVIEW, conditions=ANALYSIS,
                   effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (S.IN_REVIEW,), S.ANALYSIS, style="secondary", only_submitter=True),
        Transition("approve", _("Approve the solution"), (S.IN_REVIEW,), S.APPROVED,
                   conditions=(NOT_AUTHOR, *ANALYSIS), approval=ApprovalRule(),
                   effects=(set_approved, _freeze_sla, supersede_predecessors), style="success", decides=True),
        Transition("return", _("Return to analysis"), (S.IN_REVIEW,), S.ANALYSIS, comment_required=True,
                   style="warning", decides=True),
        Transition("implement", _("Start implementing"), (S.APPROVED,), S.IMPLEMENTING),
        Transition("verify", _("Start verification"), (S.IMPLEMENTING,), S.VERIFICATION, conditions=(TASKS_DONE,),
                   effects=(_set_fix_date,)),
        Transition("recurred", _("Back to implementing"), (S.VERIFICATION,), S.IMPLEMENTING, comment_required=True,
                   style="warning"),
        Transition("close", _("Close: the problem stopped"), (S.VERIFICATION,), S.CLOSED,
                   conditions=(TASKS_DONE, NO_RECURRENCE), effects=(_freeze_all,), style="success"),
        Transition("close_with_reason", _("Close with a stated reason"), (S.VERIFICATION,), S.CLOSED,
                   conditions=(TASKS_DONE,), comment_required=True, effects=(_freeze_all,), style="secondary"),
    ),
    editable_states=(S.DRAFT, S.ANALYSIS),
    frozen_states=(S.APPROVED, S.IMPLEMENTING, S.VERIFICATION, S.CLOSED),
)

registry.declare(RecordType("problem", _("Problem"), SERVICE_DEPT, "SP-PRB", spec="SP-4.5.4"))
registry.bind("problem", "problems.Problem", PROBLEM_WORKFLOW,
              scope={"contract": "contract", "customer": "contract__customer"})

ANALYSTS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
APPROVERS = {R.SERVICE_MANAGER}
PROJECT_TEAM = {R.PROJECT_MANAGER, R.TEAM_MEMBER}
IMPLEMENTERS = ANALYSTS | PROJECT_TEAM
declare({
    "problems.problem": {
        "view": READ_ALL, "add": ANALYSTS, "change": ANALYSTS, "delete": ANALYSTS,
        "analyse": ANALYSTS, "submit": ANALYSTS, "withdraw": ANALYSTS, "approve": APPROVERS, "return": APPROVERS,
        "implement": IMPLEMENTERS, "verify": IMPLEMENTERS, "recurred": ANALYSTS, "close": ANALYSTS,
        "close_with_reason": APPROVERS,
    },
    "problems.cause": {"view": READ_ALL, "add": ANALYSTS, "change": ANALYSTS, "delete": ANALYSTS},
    "problems.solutiontask": {"view": READ_ALL, "add": ANALYSTS, "change": IMPLEMENTERS, "delete": ANALYSTS},
})
navigation.add("monitoring", _("Problems"), "problems:problem_list", "problems.problem",
               roles={R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER})
navigation.add("monitoring", _("Problem candidates"), "problems:candidates", "problems.problem",
               roles={R.SERVICE_STAFF})  # the manager reaches them from the problems list
