"""Annual goals (SP-2.3): drafted and approved by the Technical Service Division (roles in core.permissions)."""

from django.utils.translation import gettext_lazy as _

from core.registry import registry
from core.workflow import Condition, generic_review_workflow

HAS_GOALS = Condition(lambda record, user: record.goals.exists(), _("List at least one goal."))

GOALS_WORKFLOW = generic_review_workflow(submit_conditions=(HAS_GOALS,))

registry.bind("annual_goals", "strategy.AnnualGoals", GOALS_WORKFLOW)
