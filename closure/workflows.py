"""Record types of the closure stage and their workflows (roles per transition: core.permissions).

SP-4.5.2 and SP-4.5.3: the project summary report 项目总结报告 (the project team drafts it, the Service Department
manager approves), the internal review 内部评审, the project acceptance certificate 项目验收证明 (signed by the
customer) and the project's closure.
"""

from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import navigation, scopes
from core.permissions import crud, declare, review_flow
from core.registry import PROJECT_TEAM, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    ApprovalRule,
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

from .choices import ClosureStatus
from .models.acceptance import CertificateStatus as CS
from .models.review import ReviewStatus as RS

PROJECT_SCOPE = {"project": "project", "contract": "project__contract"}


# ---- project closure (SP-4.5.2) ---------------------------------------------------------------------------
# The project team requests closure; the Service Department manager closes the project once every item of the
# closure checklist is settled (done, or waived / handed over by that manager with a reason); closing freezes the
# checklist into the record and sets the project's status to closed: the only way a project closes.

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


# ---- project summary report 项目总结报告 (SP-4.5.2) ---------------------------------------------------------
# The project team drafts the summary report from the data; the Service Department manager approves it (not its
# author), only once its figures are generated; approval freezes them (SP-4.5.2).

SUMMARY_GENERATED = Condition(lambda report, user: report.generated,
                              _("Generate the report's figures from the data first."), fix=open_record)
SUMMARY_WORKFLOW = generic_review_workflow(submit_conditions=(SUMMARY_GENERATED,),
                                           approve_conditions=(NOT_AUTHOR, SUMMARY_GENERATED))
registry.bind("summary_report", "closure.SummaryReport", SUMMARY_WORKFLOW,
              scope=PROJECT_SCOPE)
SUMMARY_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
declare({
    "closure.summaryreport": review_flow(SUMMARY_AUTHORS, {R.SERVICE_MANAGER}),
    "closure.lesson": crud(SUMMARY_AUTHORS),
})
# The Service Department manager approves summaries, reviews and certificates from the work queue and the project's
# page: of the closure stage, only the closures are in that manager's header.
navigation.add("monitoring", _("Project summary reports"), "closure:summaryreport_list", "closure.summaryreport",
               roles={R.PROJECT_MANAGER})


# ---- internal review 内部评审 and acceptance certificate 项目验收证明 (SP-4.5.3) -------------------------------
# The internal review 内部评审 collects a verdict per criterion from reviewers of the departments the project
# involved; it passes (fired by the verdict that completes it, closure.services.review) only when every criterion
# passes or carries an accepted deviation. The acceptance certificate 项目验收证明 is generated from the passed review,
# approved internally by the Service Department manager, offered to the customer (acceptance requested) and accepted
# or rejected by the customer (customer view, one-time link, or a scan of the paper copy: closure.services.acceptance).
def _review_rule_met(review, user):
    from .services.review import passes

    return passes(review)


def _review_has_criteria(review, user):
    from .services.review import has_criteria

    return has_criteria(review)


def _ask_departments(review, user):
    from .services.review import ask_criteria_departments

    ask_criteria_departments(review, user)


def _carry_verdicts(review, user):
    from .services.review import carry_settled_verdicts

    carry_settled_verdicts(review, user)


def _certificate_review_passed(cert, user):
    from .models.review import ReviewStatus

    review = cert.review
    return review.status == ReviewStatus.APPROVED and review.is_latest


def _supersede_earlier_certificates(cert, user):
    supersede_predecessors(cert, user, states=(CS.APPROVED, CS.REQUESTED, CS.ACCEPTED, CS.REJECTED))


def _open_review_of(cert, user):
    return open_record(cert.review, user)


def _edit_criteria(review, user):
    return _t("Edit %(number)s") % {"number": review.number}, reverse("closure:internalreview_edit", args=[review.pk])


REVIEW_CRITERIA = Condition(_review_has_criteria, _("List the criteria to verify before asking for verdicts."),
                            fix=_edit_criteria)
REVIEW_RULE_MET = Condition(_review_rule_met, _("Every criterion must pass or carry an accepted deviation before the "
                                                "review passes."), fix=open_record)


def _decision_recorded(decision):
    """The customer's decision is recorded (closure.services.acceptance.decide) before the certificate moves: the
    accept and reject transitions are never fired bare (the generic transition endpoint, a page button)."""
    def check(cert, user):
        from .models.acceptance import Acceptance

        return Acceptance.objects.filter(certificate=cert, decision=decision, document_version=cert.version,
                                         document_sha256=cert.document_sha256).exists()
    return check


def _respond_page(cert, user):
    return _t("Record the customer's decision"), reverse("closure:acceptancecertificate_respond", args=[cert.pk])


ACCEPTANCE_RECORDED = Condition(_decision_recorded("accepted"), _("The customer's acceptance is recorded with who, "
                                                                  "when, how and the document's SHA-256 first."),
                                fix=_respond_page)
REJECTION_RECORDED = Condition(_decision_recorded("rejected"), _("The customer's rejection is recorded with who, "
                                                                 "when, how and the reasons first."),
                               fix=_respond_page)
CERTIFICATE_FROM_PASSED = Condition(_certificate_review_passed,
                                    _("Acceptance cannot be requested before the internal review passes."),
                                    fix=_open_review_of)

INTERNAL_REVIEW_WORKFLOW = Workflow(
    states=RS, initial=RS.DRAFT,
    transitions=(
        Transition("submit", _("Ask for verdicts"), (RS.DRAFT, RS.RETURNED), RS.IN_REVIEW,
                   conditions=(REVIEW_CRITERIA,), effects=(next_review_round, _ask_departments, _carry_verdicts)),
        Transition("withdraw", _("Withdraw"), (RS.IN_REVIEW,), RS.DRAFT, style="secondary", only_submitter=True),
        Transition("approve", _("Record as passed"), (RS.IN_REVIEW,), RS.APPROVED, conditions=(REVIEW_RULE_MET,),
                   effects=(set_approved, supersede_predecessors), style="success", decides=True),
        Transition("return", _("Return for rework"), (RS.IN_REVIEW,), RS.RETURNED, comment_required=True,
                   style="warning", decides=True),
    ))

CERTIFICATE_WORKFLOW = Workflow(
    states=CS, initial=CS.DRAFT,
    transitions=(
        Transition("submit", _("Submit for internal approval"), (CS.DRAFT, CS.RETURNED), CS.IN_REVIEW,
                   conditions=(CERTIFICATE_FROM_PASSED,), effects=(next_review_round,)),
        Transition("withdraw", _("Withdraw"), (CS.IN_REVIEW,), CS.DRAFT, style="secondary", only_submitter=True),
        Transition("approve", _("Approve"), (CS.IN_REVIEW,), CS.APPROVED,
                   conditions=(NOT_AUTHOR, CERTIFICATE_FROM_PASSED), approval=ApprovalRule(),
                   effects=(set_approved,), style="success", decides=True),
        Transition("return", _("Return for rework"), (CS.IN_REVIEW,), CS.RETURNED, comment_required=True,
                   style="warning", decides=True),
        Transition("request", _("Request acceptance…"), (CS.APPROVED,), CS.REQUESTED,
                   conditions=(CERTIFICATE_FROM_PASSED,), page="closure:acceptancecertificate_request"),
        Transition("accept", _("Accept"), (CS.REQUESTED,), CS.ACCEPTED, style="success",
                   page="closure:acceptancecertificate_respond", conditions=(ACCEPTANCE_RECORDED,),
                   effects=(_supersede_earlier_certificates,)),
        Transition("reject", _("Reject"), (CS.REQUESTED,), CS.REJECTED, style="warning",
                   page="closure:acceptancecertificate_respond", conditions=(REJECTION_RECORDED,)),
    ),
    frozen_states=(CS.APPROVED, CS.REQUESTED, CS.ACCEPTED, CS.REJECTED))

registry.declare(RecordType("internal_review", _("Internal review record"), PROJECT_TEAM, "SP-IRV", spec="SP-4.5.3"))
registry.bind("internal_review", "closure.InternalReview", INTERNAL_REVIEW_WORKFLOW, scope=PROJECT_SCOPE)
registry.bind("acceptance_certificate", "closure.AcceptanceCertificate", CERTIFICATE_WORKFLOW,
              scope=PROJECT_SCOPE)

# The project team drafts the review and the certificate; reviewers of the departments judge criteria (not the
# project manager: a delivery is verified by others); the Service Department manager approves the certificate;
# the customer contact (and whoever records a paper copy) accepts or rejects it.
REVIEW_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}
REVIEWERS = {R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.TSD_DIRECTOR, R.TSD_STAFF, R.SERVICE_MANAGER, R.SERVICE_STAFF,
             R.COMMERCE, R.SALES}
CERTIFICATE_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
CERTIFICATE_DECIDERS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.CUSTOMER}
declare({
    "closure.internalreview": {**review_flow(REVIEW_AUTHORS, REVIEWERS), "return": REVIEW_AUTHORS | REVIEWERS},
    "closure.reviewcriterion": {"view": READ_ALL, "add": REVIEW_AUTHORS, "change": REVIEW_AUTHORS,
                                "delete": REVIEW_AUTHORS},
    "closure.criterionverdict": {"view": READ_ALL, "add": REVIEWERS},
    "closure.acceptancecertificate": {**review_flow(CERTIFICATE_AUTHORS, {R.SERVICE_MANAGER}),
                                      "view": READ_ALL | {R.CUSTOMER},
                                      "request": CERTIFICATE_AUTHORS | {R.SERVICE_MANAGER},
                                      "accept": CERTIFICATE_DECIDERS, "reject": CERTIFICATE_DECIDERS},
    "closure.certificateitem": {"view": READ_ALL | {R.CUSTOMER}, "add": CERTIFICATE_AUTHORS,
                                "change": CERTIFICATE_AUTHORS, "delete": CERTIFICATE_AUTHORS},
    "closure.acceptance": {"view": READ_ALL | {R.CUSTOMER}, "add": CERTIFICATE_AUTHORS | {R.SERVICE_MANAGER}},
    "closure.signinglink": {"view": READ_ALL, "add": CERTIFICATE_AUTHORS | {R.SERVICE_MANAGER}},
})
navigation.add("monitoring", _("Internal reviews"), "closure:internalreview_list", "closure.internalreview",
               roles={R.PROJECT_MANAGER, R.SERVICE_STAFF, R.TSD_DIRECTOR})
navigation.add("monitoring", _("Acceptance certificates"), "closure:acceptancecertificate_list",
               "closure.acceptancecertificate", roles={R.PROJECT_MANAGER})


# ---- what the customer contact sees of the closure stage (core.scopes.share) ----------------------------------
# Only the certificate once it is offered to them (and its items and the acceptances recorded on it); the summary
# report, the internal review and the closure stay internal (no share rule: never visible to a customer).
OFFERED = (CS.REQUESTED, CS.ACCEPTED, CS.REJECTED)
scopes.share("closure.acceptancecertificate", lambda rows, user: rows.filter(status__in=OFFERED))
scopes.share("closure.certificateitem", lambda rows, user: rows.filter(certificate__status__in=OFFERED))
scopes.share("closure.acceptance", lambda rows, user: rows.filter(certificate__status__in=OFFERED))
