"""Record types of the closure stage and their workflows (roles per transition: core.permissions).

SP-4.5.2 and SP-4.5.3: the project summary report 项目总结报告 (the project team drafts it, the Service Department
manager approves), the internal review 内部评审, the project acceptance certificate 项目验收证明 (signed by the
customer) and the project's closure.
"""

# ---- project closure ----------------------------------------------------------------------------------
# The project team requests closure; the Service Department manager closes the project once every item of the
# closure checklist is settled (done, or waived / handed over by that manager with a reason); closing freezes the
# checklist into the record and sets the project's status to closed: the only way a project closes.

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare
from core.registry import PROJECT_TEAM, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    Condition,
    Fix,
    Reason,
    Transition,
    Workflow,
    next_review_round,
    set_approved,
    supersede_predecessors,
)

from .choices import ClosureStatus

PROJECT_SCOPE = {"project": "project", "contract": "project__contract"}


def _checklist_settled(closure, user):
    from .services.closure import open_items

    return not open_items(closure.project)


class ChecklistSettled(Condition):
    """No open item on the closure checklist; the refusal names every open item and links to the closure page,
    where each item links to what settles it."""

    def reason(self, record, user):
        from .services.closure import open_items, open_items_text

        rows = open_items(record.project)
        text = _t("%(count)s items of the closure checklist are open: %(items)s") % {
            "count": len(rows), "items": open_items_text(rows)}
        return Reason(text, Fix(text, _t("Open the closure checklist"), record.get_absolute_url() + "#checklist"))


CHECKLIST_SETTLED = ChecklistSettled(_checklist_settled, _("Items of the closure checklist are open."))


def _close_project(closure, user):
    from .services.closure import close_project

    close_project(closure, user)


CLOSURE_WORKFLOW = Workflow(
    states=ClosureStatus,
    initial=ClosureStatus.DRAFT,
    transitions=(
        Transition("request", _("Request closure"), (ClosureStatus.DRAFT, ClosureStatus.RETURNED),
                   ClosureStatus.IN_REVIEW, effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (ClosureStatus.IN_REVIEW,), ClosureStatus.DRAFT, style="secondary",
                   only_submitter=True),
        Transition("close", _("Close project"), (ClosureStatus.IN_REVIEW,), ClosureStatus.CLOSED,
                   conditions=(NOT_AUTHOR, CHECKLIST_SETTLED),
                   effects=(set_approved, _close_project, supersede_predecessors), style="success", decides=True),
        Transition("return", _("Return for rework"), (ClosureStatus.IN_REVIEW,), ClosureStatus.RETURNED,
                   comment_required=True, style="warning", decides=True),
    ),
    editable_states=(ClosureStatus.DRAFT, ClosureStatus.RETURNED),
    frozen_states=(ClosureStatus.CLOSED,),
)

registry.declare(RecordType("project_closure", _("Project closure"), PROJECT_TEAM, "SP-CLO", spec="SP-4.5.2"))
registry.bind("project_closure", "closure.ProjectClosure", CLOSURE_WORKFLOW, scope=PROJECT_SCOPE)

CLOSURE_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
CLOSERS = {R.SERVICE_MANAGER}
declare({
    "closure.projectclosure": {**crud(CLOSURE_AUTHORS), "request": CLOSURE_AUTHORS, "withdraw": CLOSURE_AUTHORS,
                               "close": CLOSERS, "return": CLOSERS},
    # Recorded once and kept: a later disposition of the same item supersedes it (no change, no delete).
    "closure.closuredisposition": {"view": READ_ALL, "add": CLOSERS | {R.ADMIN}, "change": frozenset(),
                                   "delete": frozenset()},
})
navigation.add("monitoring", _("Project closures"), "closure:projectclosure_list", "closure.projectclosure",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER})


# ---- summary report ----
# The project team drafts the summary report from the data; the Service Department manager approves it (not its
# author), only once its figures are generated; approval freezes them (SP-4.5.2).
from core.permissions import review_flow  # noqa: E402
from core.workflow import generic_review_workflow, open_record  # noqa: E402

SUMMARY_GENERATED = Condition(lambda report, user: report.generated,
                              _("Generate the report's figures from the data first."), fix=open_record)
SUMMARY_WORKFLOW = generic_review_workflow(submit_conditions=(SUMMARY_GENERATED,),
                                           approve_conditions=(NOT_AUTHOR, SUMMARY_GENERATED))
registry.bind("summary_report", "closure.SummaryReport", SUMMARY_WORKFLOW,
              scope={"project": "project", "contract": "project__contract"})
SUMMARY_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
declare({
    "closure.summaryreport": review_flow(SUMMARY_AUTHORS, {R.SERVICE_MANAGER}),
    "closure.lesson": crud(SUMMARY_AUTHORS),
})
navigation.add("monitoring", _("Project summary reports"), "closure:summaryreport_list", "closure.summaryreport",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER})
