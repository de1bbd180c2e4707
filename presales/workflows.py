"""Pre-sales record types and their workflows (declared here, enforced by core.workflow)."""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.choices import RecordStatus
from core.permissions import crud, declare, review_flow
from core.registry import SALES_DEPT, RecordType, registry
from core.roles import Role as R
from core.workflow import NOT_AUTHOR, Condition, edit_record, generic_review_workflow, open_record, open_related


def has_both_departments(requirement, user):
    return not requirement.missing_participants()


def requirement_approved(proposal, user):
    return proposal.requirement.status == RecordStatus.APPROVED


def has_lines(proposal, user):
    return proposal.lines.exists()


def fit_check_current(proposal, user):
    return proposal.fit_check_current()


PARTICIPANTS = Condition(has_both_departments, _("Record at least one participant from Sales and one from the "
                                                 "Service Department before submitting."), fix=edit_record)
REQUIREMENT_APPROVED = Condition(requirement_approved, _("The service requirement must be approved before the "
                                                         "proposal is submitted."),
                                 fix=open_related(lambda proposal: proposal.requirement))
HAS_LINES = Condition(has_lines, _("Add at least one catalogue service to the proposal."), fix=edit_record)
FIT_CHECK_CURRENT = Condition(fit_check_current, _("Run the fit check on the current content before submitting "
                                                   "(it has not been run, or the proposal changed since)."),
                              fix=open_record)

REQUIREMENT_WORKFLOW = generic_review_workflow(submit_conditions=(PARTICIPANTS,))
PROPOSAL_WORKFLOW = generic_review_workflow(submit_conditions=(HAS_LINES, REQUIREMENT_APPROVED, FIT_CHECK_CURRENT),
                                            approve_conditions=(NOT_AUTHOR,))

registry.declare(RecordType("service_requirement", _("Service requirement"), SALES_DEPT, "SP-REQ",
                            spec="SP-4.1.1"))
registry.bind("service_requirement", "presales.ServiceRequirement", REQUIREMENT_WORKFLOW,
              scope={"contract": "contract"})
registry.bind("presales_proposal", "presales.PresalesProposal", PROPOSAL_WORKFLOW)


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# Sales and the Service Department collect requirements together (SP-4.1); the Service Department drafts the
# proposal and its manager approves it (Sales never approves a proposal). Staff skills and free capacity,
# read by the fit check, are kept by the managers.
REQUIREMENT_EDITORS = {R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
PROPOSAL_DRAFTERS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
declare({
    "presales.servicerequirement": review_flow(REQUIREMENT_EDITORS, {R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
    "presales.requirementtarget": crud(REQUIREMENT_EDITORS),
    "presales.requirementskill": crud(REQUIREMENT_EDITORS),
    "presales.presalesproposal": review_flow(PROPOSAL_DRAFTERS, {R.SERVICE_MANAGER}),
    "presales.proposalline": crud(PROPOSAL_DRAFTERS),
    "presales.proposallinetarget": crud(PROPOSAL_DRAFTERS),
    "presales.staffskill": crud({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN}),
})
navigation.add("presales", _("Service requirements"), "presales:servicerequirement_list", "presales.servicerequirement",
               roles={R.SALES, R.SERVICE_MANAGER, R.TSD_DIRECTOR})
navigation.add("presales", _("Pre-sales proposals"), "presales:presalesproposal_list", "presales.presalesproposal",
               roles={R.SALES, R.SERVICE_MANAGER, R.SERVICE_STAFF})
navigation.add("presales", _("Staff skills and capacity"), "presales:staffskill_list", "presales.staffskill",
               roles={R.SERVICE_MANAGER, R.TSD_DIRECTOR})
