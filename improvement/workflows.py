"""The improvement record type 改进 and its workflow (SP-4.5.6; roles per transition: core.permissions).

open (draft) → in progress (the plan agreed, work started) → implemented (the implemented date stated) →
effectiveness check in review (the check recorded, closure requested) → closed (the Service Department manager
approves the check). Closing without the check is refused with a link to the page that records it. A check found
not effective closes the improvement as not effective; it is reopened with a new plan as a new version, or followed
up by a new improvement raised from it.
"""

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare
from core.registry import SERVICE_DEPT, RecordType, registry
from core.roles import Role as R
from core.workflow import Condition, Transition, Workflow, edit_record, next_review_round, set_approved

from .choices import ImprovementStatus as S


def _plan_written(improvement, user):
    return bool((improvement.plan or "").strip())


def _implemented_date(improvement, user):
    return improvement.implemented_on is not None


def _check_recorded(improvement, user):
    from .services import check_recorded

    return check_recorded(improvement)


def _not_checker(improvement, user):
    from .services import not_checker

    return not_checker(improvement, user)


def _check_page(improvement, user):
    return _t("Record the effectiveness check"), improvement.check_url()


PLAN_WRITTEN = Condition(_plan_written, _("Write the plan before starting the work."), fix=edit_record)
IMPLEMENTED_DATE = Condition(_implemented_date, _("State the date the improvement was implemented."),
                             fix=edit_record)
CHECK_RECORDED = Condition(_check_recorded, _("An improvement closes only after its effectiveness check: record the "
                                              "measure after implementation against the baseline first."),
                           fix=_check_page)
NOT_CHECKER = Condition(_not_checker, _("Whoever recorded the effectiveness check cannot approve it."))

IMPROVEMENT_WORKFLOW = Workflow(
    states=S,
    initial=S.DRAFT,
    transitions=(
        Transition("start", _("Start the work"), (S.DRAFT,), S.IN_PROGRESS, conditions=(PLAN_WRITTEN,)),
        Transition("implement", _("Mark implemented"), (S.IN_PROGRESS,), S.IMPLEMENTED,
                   conditions=(IMPLEMENTED_DATE,)),
        Transition("request_close", _("Request closure with the check"), (S.IMPLEMENTED,), S.CHECK_IN_REVIEW,
                   conditions=(CHECK_RECORDED,), effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (S.CHECK_IN_REVIEW,), S.IMPLEMENTED, style="secondary",
                   only_submitter=True),
        Transition("close", _("Approve the check and close"), (S.CHECK_IN_REVIEW,), S.CLOSED,
                   conditions=(CHECK_RECORDED, NOT_CHECKER), effects=(set_approved,), style="success",
                   decides=True),
        Transition("return", _("Return the check"), (S.CHECK_IN_REVIEW,), S.IMPLEMENTED, comment_required=True,
                   style="warning", decides=True),
    ),
    editable_states=(S.DRAFT, S.IN_PROGRESS, S.IMPLEMENTED),
    frozen_states=(S.CLOSED,),
)

registry.declare(RecordType("improvement", _("Improvement"), SERVICE_DEPT, "SP-IMP", spec="SP-4.5.6"))
registry.bind("improvement", "improvement.Improvement", IMPROVEMENT_WORKFLOW,
              scope={"contract": "contract", "customer": "customer"})

# The Service Department drafts improvements (so do project managers and the TSD, who raise them from their
# reports, reviews and meetings); the Service Department manager approves effectiveness checks.
AUTHORS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER, R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN}
APPROVERS = {R.SERVICE_MANAGER}
# Top management opens improvements too: the General Manager's approval of a management review raises the
# improvements it decided (improvement.decisions), and the Management Representative follows them up.
MANAGEMENT = {R.GENERAL_MANAGER, R.MANAGEMENT_REP}
declare({
    "improvement.improvement": {**crud(AUTHORS), "add": AUTHORS | MANAGEMENT, "change": AUTHORS | MANAGEMENT,
                                "start": AUTHORS, "implement": AUTHORS, "request_close": AUTHORS,
                                "withdraw": AUTHORS, "close": APPROVERS, "return": APPROVERS},
})
navigation.add("monitoring", _("Improvements"), "improvement:improvement_list", "improvement.improvement",
               roles={R.SERVICE_MANAGER, R.SERVICE_STAFF, R.TSD_DIRECTOR, R.MANAGEMENT_REP})
