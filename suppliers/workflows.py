"""The supplier register, supplier evaluations and the qualified supplier list 合格供方名录 (SP-2.6): Commerce keeps
suppliers, has them evaluated (blind weighted scoring) and approves the evaluations and the list (roles per
action: core.permissions); the menu entries of the Commerce stage."""

from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare, review_flow
from core.registry import COMMERCE_DEPT, RecordType, registry
from core.roles import READ_ALL, STAFF
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    Condition,
    Fix,
    Reason,
    Transition,
    Workflow,
    generic_review_workflow,
    next_review_round,
    open_record,
    set_approved,
    supersede_predecessors,
)

from .choices import EvaluationStatus as ES

registry.declare(RecordType("qualified_supplier_list", _("Qualified supplier list"), COMMERCE_DEPT, "SP-QSL",
                            spec="SP-2.6"))
registry.bind("qualified_supplier_list", "suppliers.QualifiedList", generic_review_workflow())


# ---- supplier evaluation 供方评价 --------------------------------------------------------------------------
# Commerce drafts it (criteria with weights adding up to 100, the evaluators), asks the evaluators to score; each
# scores blind until all have scored (suppliers.scoring); Commerce submits it once complete (the result, the verdict
# and the supplier's delivery performance are frozen into it) and Commerce approves it, not its author.

def _edit(evaluation, user):
    return _t("Edit %(number)s") % {"number": evaluation.number}, \
        reverse("suppliers:supplierevaluation_edit", args=[evaluation.pk])


def _criteria_ready(evaluation, user):
    from .services import weights_problem

    return weights_problem(evaluation) is None


def _has_evaluators(evaluation, user):
    return evaluation.evaluators.exists()


def _scores_complete(evaluation, user):
    from .services import scores_complete

    return scores_complete(evaluation)


def _freeze(evaluation, user):
    from .services import freeze_outcome

    freeze_outcome(evaluation, user)


class CriteriaReady(Condition):
    """The refusal says what is wrong with the weights (none listed, or what they add up to)."""

    def reason(self, record, user):
        from .services import weights_problem

        text = weights_problem(record) or str(self.message)
        label, url = _edit(record, user)
        return Reason(text, Fix(text, label, url))


CRITERIA_READY = CriteriaReady(_criteria_ready, _("List the criteria with weights adding up to 100."), fix=_edit)
HAS_EVALUATORS = Condition(_has_evaluators, _("Name the evaluators who score the supplier."), fix=_edit)
SCORES_COMPLETE = Condition(_scores_complete, _("Every evaluator must score every criterion first."),
                            fix=open_record)

EVALUATION_WORKFLOW = Workflow(
    states=ES, initial=ES.DRAFT,
    transitions=(
        Transition("start_scoring", _("Ask the evaluators to score"), (ES.DRAFT, ES.RETURNED), ES.SCORING,
                   conditions=(CRITERIA_READY, HAS_EVALUATORS)),
        Transition("withdraw", _("Withdraw"), (ES.SCORING, ES.IN_REVIEW), ES.DRAFT, style="secondary",
                   only_submitter=True),
        Transition("submit", _("Submit for review"), (ES.SCORING,), ES.IN_REVIEW,
                   conditions=(SCORES_COMPLETE,), effects=(next_review_round, _freeze)),
        Transition("approve", _("Approve"), (ES.IN_REVIEW,), ES.APPROVED, conditions=(NOT_AUTHOR, SCORES_COMPLETE),
                   effects=(set_approved, supersede_predecessors), style="success", decides=True),
        Transition("return", _("Return for rework"), (ES.IN_REVIEW,), ES.RETURNED, comment_required=True,
                   style="warning", decides=True),
    ),
    editable_states=(ES.DRAFT, ES.RETURNED),
    frozen_states=(ES.APPROVED,),
)

registry.declare(RecordType("supplier_evaluation", _("Supplier evaluation"), COMMERCE_DEPT, "SP-SEV",
                            spec="SP-2.6"))
registry.bind("supplier_evaluation", "suppliers.SupplierEvaluation", EVALUATION_WORKFLOW)

COMMERCE = {R.COMMERCE, R.ADMIN}
DELIVERY_ACCEPTORS = frozenset({R.COMMERCE, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.PROJECT_MANAGER, R.ADMIN})
declare({
    "suppliers.supplier": crud(COMMERCE),
    "suppliers.suppliercontact": crud(COMMERCE),
    "suppliers.certificate": crud(COMMERCE),
    # Written by procurement when whoever accepts a delivery accepts it (suppliers.services.record_performance);
    # never changed or deleted by hand.
    "suppliers.performance": {**crud(frozenset()), "add": DELIVERY_ACCEPTORS},
    "suppliers.qualifiedlist": review_flow(COMMERCE, {R.COMMERCE}),
    "suppliers.qualifiedentry": crud(COMMERCE),
    "suppliers.supplierevaluation": {**review_flow(COMMERCE, {R.COMMERCE}), "start_scoring": COMMERCE},
    "suppliers.evaluationcriterion": crud(COMMERCE),
    # Anyone of the company may be named an evaluator (the service manager judges service, the TSD the technical
    # quality); suppliers.services.give_scores admits only the evaluators named on the evaluation, and only their
    # own scores. Scores are kept once the evaluation is submitted (never deleted by hand).
    "suppliers.score": {"view": READ_ALL, "add": STAFF, "change": STAFF, "delete": frozenset()},
})

navigation.add("commerce", _("Suppliers"), "suppliers:supplier_list", "suppliers.supplier", roles={R.COMMERCE})
navigation.add("commerce", _("Supplier evaluations"), "suppliers:supplierevaluation_list",
               "suppliers.supplierevaluation", roles={R.COMMERCE})
navigation.add("commerce", _("Qualified supplier lists"), "suppliers:qualifiedlist_list", "suppliers.qualifiedlist",
               roles={R.COMMERCE})
