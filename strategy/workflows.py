"""Annual goals (SP-2.3): drafted and approved by the Technical Service Division (roles in core.permissions)."""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare, review_flow
from core.registry import TSD, RecordType, registry
from core.roles import Role as R
from core.workflow import Condition, edit_record, generic_review_workflow

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
