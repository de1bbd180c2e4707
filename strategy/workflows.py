"""Annual goals (SP-2.3): drafted and approved by the Technical Service Division; the management review (SP-2.1,
SP-2.2): prepared by the Management Representative, decided and approved by the General Manager."""

from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare, review_flow
from core.registry import MANAGEMENT, TSD, RecordType, registry
from core.roles import STAFF
from core.roles import Role as R
from core.workflow import NOT_AUTHOR, Condition, edit_record, generic_review_workflow

HAS_GOALS = Condition(lambda record, user: record.goals.exists(), _("List at least one goal."), fix=edit_record)

GOALS_WORKFLOW = generic_review_workflow(submit_conditions=(HAS_GOALS,))

registry.declare(RecordType("annual_goals", _("Annual IT service business goals"), TSD, "SP-GOAL",
                            spec="SP-2.3"))
registry.bind("annual_goals", "strategy.AnnualGoals", GOALS_WORKFLOW)


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# Annual goals (SP-2.3): set by the Technical Service Division and approved by its director.
GOAL_EDITORS = {R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN}
declare({
    "strategy.annualgoals": review_flow(GOAL_EDITORS, {R.TSD_DIRECTOR}),
    "strategy.goal": crud(GOAL_EDITORS),
    "strategy.taskallocation": crud(GOAL_EDITORS),
})
navigation.add("planning", _("Annual goals"), "strategy:annualgoals_list", "strategy.annualgoals",
               roles={R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.TSD_DIRECTOR})


# ---- the management review 管理评审 (SP-2.1, SP-2.2) --------------------------------------------------------
# The Management Representative prepares it from the data (inputs taken, advice written) and submits it; the General
# Manager records the decisions and approves it (or returns it). Decisions are tracked afterwards.
def _inputs_taken(review, user):
    from .review import inputs_taken

    return inputs_taken(review)


def _has_decisions(review, user):
    from .review import has_decisions

    return has_decisions(review)


def _inputs_page(review, user):
    return _t("Take the inputs from the data"), review.get_absolute_url() + "#inputs"


def _decisions_page(review, user):
    return _t("Record the decisions"), reverse("strategy:managementreview_decisions", args=[review.pk])


INPUTS_TAKEN = Condition(_inputs_taken, _("Take the inputs from the data for the review's period first."),
                         fix=_inputs_page)
HAS_DECISIONS = Condition(_has_decisions, _("Record the General Manager's decisions before approving."),
                          fix=_decisions_page)

REVIEW_WORKFLOW = generic_review_workflow(submit_conditions=(INPUTS_TAKEN,),
                                          approve_conditions=(NOT_AUTHOR, HAS_DECISIONS))

registry.declare(RecordType("management_review", _("Management review"), MANAGEMENT, "SP-MR", spec="SP-2.1"))
registry.bind("management_review", "strategy.ManagementReview", REVIEW_WORKFLOW)

REVIEW_AUTHORS = {R.MANAGEMENT_REP, R.ADMIN}
DECIDERS = {R.GENERAL_MANAGER}
# The General Manager records decisions; the Management Representative may draft them with the review and follows
# them up (records them done) after the approval.
# Anyone of the company may own an action and records what became of it (Decision.restrict_rows: their own only).
DECISION_WRITERS = frozenset({R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.ADMIN})
declare({
    "strategy.managementreview": review_flow(REVIEW_AUTHORS, DECIDERS),
    "strategy.decision": {**crud(DECISION_WRITERS), "change": STAFF},
})
navigation.add("management", _("Management reviews"), "strategy:managementreview_list", "strategy.managementreview",
               roles={R.GENERAL_MANAGER, R.MANAGEMENT_REP})
navigation.add("management", _("Management review decisions"), "strategy:decision_list", "strategy.decision",
               roles={R.GENERAL_MANAGER, R.MANAGEMENT_REP})
