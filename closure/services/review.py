"""The internal review (verification) 内部评审 rule and its writes, in one place (SP-4.5.3).

Criteria are proposed from the contract (its services and signed SLA) and the approved project plan (acceptance
criteria, quality objectives, milestones with deliverables); the project team adds others. The reviewing
departments are those the project involved: the Service Department always, the departments of the project manager
and the team members, and any the criteria name. A reviewer of a criterion's department judges it after the review
is submitted. The review passes only when every criterion passes or carries an accepted deviation: the verdict that
completes it fires the pass; a round where every criterion was judged and one failed goes back to the project team,
who fix the evidence and submit a new round (passes and accepted deviations are kept, failures are judged again).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records, rows, workflow
from core.choices import AuditAction, RecordStatus
from core.permissions import allowed
from org.choices import DepartmentKind
from org.models import Department

from ..models.review import (
    SETTLED,
    CriterionSource,
    CriterionVerdict,
    InternalReview,
    ReviewCriterion,
    ReviewStatus,
    Verdict,
)

# ---- the rule --------------------------------------------------------------------------------------

def current_verdicts(review) -> dict:
    """{criterion id: its verdict in the review's current round} (the latest given, if several)."""
    result = {}
    for verdict in CriterionVerdict.objects.filter(criterion__review=review, review_round=review.review_round) \
            .select_related("reviewer").order_by("given_at", "pk"):
        result[verdict.criterion_id] = verdict
    return result


@dataclass
class Outcome:
    criteria: list
    verdicts: dict
    passed_ids: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    pending: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.criteria) and not self.failed and not self.pending

    @property
    def complete(self) -> bool:
        """Every criterion judged in this round (passed or not)."""
        return bool(self.criteria) and not self.pending

    def reasons(self) -> list[str]:
        reasons = []
        if not self.criteria:
            reasons.append(_t("The review has no criteria."))
        if self.pending:
            reasons.append(_t("Waiting for a verdict on: %(criteria)s.")
                           % {"criteria": "; ".join(map(str, self.pending))})
        if self.failed:
            reasons.append(_t("Failed: %(criteria)s.") % {"criteria": "; ".join(map(str, self.failed))})
        return reasons


def outcome(review) -> Outcome:
    criteria = list(review.criteria.select_related("department").order_by("pk"))
    verdicts = current_verdicts(review) if review.review_round else {}
    result = Outcome(criteria, verdicts)
    for criterion in criteria:
        verdict = verdicts.get(criterion.pk)
        if verdict is None:
            result.pending.append(criterion)
        elif verdict.verdict in SETTLED:
            result.passed_ids.append(criterion.pk)
        else:
            result.failed.append(criterion)
    return result


def passes(review, user=None) -> bool:
    return outcome(review).passed


def has_criteria(review, user=None) -> bool:
    return review.criteria.exists()


def latest_passed(project):
    """The project's passed review in force (the latest passed version), or None."""
    return InternalReview.objects.filter(project=project, status=ReviewStatus.APPROVED).order_by("-version").first()


def review_of(project):
    """The project's latest review of any state (what the project team works on), or None."""
    return InternalReview.objects.filter(project=project).exclude(status=ReviewStatus.SUPERSEDED) \
        .order_by("-version", "-pk").first()


# ---- departments and proposed criteria -------------------------------------------------------------

def service_department():
    return Department.objects.filter(kind=DepartmentKind.SERVICE).order_by("code").first()


def involved_departments(project) -> list:
    """The Service Department, the project manager's department and the team members' departments."""
    result = []
    candidates = [service_department(), getattr(project.manager, "department", None)]
    candidates += [member.user.department for member in project.team.select_related("user__department")]
    for department in candidates:
        if department is not None and department not in result:
            result.append(department)
    return result


def approved_plan(project):
    from projects.models import ProjectPlan

    return ProjectPlan.objects.filter(project=project, status=RecordStatus.APPROVED).order_by("-version").first()


def proposed_criteria(project) -> list[dict]:
    """The criteria the contract and the approved project plan give: [{criterion, source, reference, department}]."""
    service = service_department()
    pm_department = getattr(project.manager, "department", None) or service
    proposals = []
    contract = project.contract
    if contract is not None:
        contract_ref = f"{contract.number} V{contract.version}"
        for line in contract.service_lines.select_related("service", "tier"):
            proposals.append({"criterion": _t("Service delivered as contracted: %(service)s (%(tier)s)")
                              % {"service": line.service, "tier": line.tier.name},
                              "source": CriterionSource.CONTRACT, "reference": contract_ref, "department": service})
        sla = contract.sla_for(project.end_date) if hasattr(contract, "sla_for") else None
        if sla is not None and getattr(sla, "number", None):
            proposals.append({"criterion": _t("Service levels of %(sla)s met over the contract period "
                                              "(response, resolution, availability %(availability)s%%)")
                              % {"sla": sla.number, "availability": f"{sla.availability_target:g}"},
                              "source": CriterionSource.CONTRACT, "reference": f"{sla.number} V{sla.version}",
                              "department": service})
    plan = approved_plan(project)
    if plan is not None:
        plan_ref = f"{plan.number} V{plan.version}"
        for line in (plan.acceptance_criteria or "").splitlines():
            if line.strip():
                proposals.append({"criterion": line.strip()[:300], "source": CriterionSource.PLAN,
                                  "reference": plan_ref, "department": pm_department})
        for objective in plan.objectives.select_related("owner__department"):
            proposals.append({"criterion": (_t("Quality objective: %(objective)s (target %(target)s)")
                                            % {"objective": objective.objective, "target": objective.target})[:300],
                              "source": CriterionSource.PLAN,
                              "reference": _t("%(plan)s · quality objective") % {"plan": plan_ref},
                              "department": getattr(objective.owner, "department", None) or service})
        for milestone in plan.milestones.all():
            text = _t("Milestone reached: %(name)s") % {"name": milestone.name}
            if milestone.deliverable:
                text += " · " + _t("deliverable: %(deliverable)s") % {"deliverable": milestone.deliverable}
            proposals.append({"criterion": text[:300], "source": CriterionSource.PLAN,
                              "reference": _t("%(plan)s · milestone due %(due)s") % {"plan": plan_ref,
                                                                                     "due": milestone.due_date},
                              "department": pm_department})
    return [p for p in proposals if p["department"] is not None]


def may_start_review(project, user) -> bool:
    """A review starts when the project has none under way or passed (a superseded one leaves room)."""
    return allowed(user, InternalReview, "add") and allowed(user, project, "view") and review_of(project) is None


def start_review(project, user, owner_department=None) -> InternalReview:
    """Draft the project's internal review with the proposed criteria and the involved departments."""
    if review_of(project) is not None:
        existing = review_of(project)
        raise workflow.refuse(_t("The project already has an internal review."),
                              (_t("Open %(number)s") % {"number": existing.number}, existing.get_absolute_url()))
    with transaction.atomic():
        review = records.create(InternalReview(
            project=project, owner_department=owner_department or user.department or service_department(),
            title=_t("Internal review: %(project)s") % {"project": project.name}), user,
            comment=display.message(gettext_noop("Criteria proposed from the contract and the project plan.")))
        departments = involved_departments(project)
        for proposal in proposed_criteria(project):
            records.create(ReviewCriterion(review=review, **proposal), user)
            if proposal["department"] not in departments:
                departments.append(proposal["department"])
        rows.set_links(review, "departments", departments, user)
    return review


# ---- workflow effects and conditions ---------------------------------------------------------------

def criteria_departments_asked(review, user=None) -> bool:
    asked = set(review.departments.values_list("pk", flat=True))
    return set(review.criteria.values_list("department_id", flat=True)) <= asked


def ask_criteria_departments(review, user):
    """Submitting asks every department a criterion names (the review's list grows, never silently shrinks)."""
    asked = set(review.departments.values_list("pk", flat=True))
    needed = set(review.criteria.values_list("department_id", flat=True))
    if needed - asked:
        rows.set_links(review, "departments", sorted(asked | needed), user)


def carry_settled_verdicts(review, user):
    """A new round keeps the previous round's passes and accepted deviations; failures are judged again."""
    review.refresh_from_db()
    previous = review.review_round - 1
    if previous < 1:
        return
    for verdict in CriterionVerdict.objects.filter(criterion__review=review, review_round=previous,
                                                   verdict__in=SETTLED).order_by("given_at", "pk"):
        kept = CriterionVerdict.objects.create(
            criterion_id=verdict.criterion_id, review_round=review.review_round, verdict=verdict.verdict,
            comment=verdict.comment, deviation=verdict.deviation, reviewer_id=verdict.reviewer_id,
            given_at=verdict.given_at, carried=True)
        audit.record_entry(AuditAction.CREATE, kept, snap=audit.snapshot(kept), user=user,
                           comment=display.message(gettext_noop("Kept from round %(n)s."), n=previous))


# ---- giving a verdict --------------------------------------------------------------------------------

def may_judge(criterion, user) -> bool:
    review = criterion.review
    return review.status == ReviewStatus.IN_REVIEW and allowed(user, CriterionVerdict, "add") \
        and user.department_id == criterion.department_id and user.pk != review.author_id \
        and user.pk != review.project.manager_id


def give_verdict(criterion, user, verdict, comment="", deviation="") -> CriterionVerdict:
    """A reviewer of the criterion's department judges it in the current round; the review passes when every
    criterion passes or carries an accepted deviation, and goes back to the project team when all are judged and
    one failed."""
    review = criterion.review
    if not allowed(user, CriterionVerdict, "add"):
        raise PermissionDenied(_t("Your role may not judge review criteria."))
    if user.department_id != criterion.department_id:
        raise PermissionDenied(_t("Only a member of %(department)s judges this criterion.")
                               % {"department": criterion.department})
    if user.pk in (review.author_id, review.project.manager_id):
        raise PermissionDenied(_t("The project manager and the review's author do not judge their own delivery."))
    if review.status != ReviewStatus.IN_REVIEW:
        raise workflow.refuse(_t("Verdicts are given while the review is under review (ask for verdicts first)."),
                              (_t("Open %(number)s") % {"number": review.number}, review.get_absolute_url()))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _t("Choose pass, fail or accepted deviation.")})
    with transaction.atomic():
        row = CriterionVerdict(criterion=criterion, review_round=review.review_round, verdict=verdict,
                               comment=comment or "", deviation=(deviation or "") if verdict == Verdict.DEVIATION
                               else "", reviewer=user, given_at=timezone.now())
        records.create(row, user, comment=row.get_verdict_display())
        review.refresh_from_db()
        result = outcome(review)
        if result.passed:
            workflow.fire(review, "approve", user, display.message(
                gettext_noop("Every criterion passed or carries an accepted deviation.")))
        elif result.complete:
            workflow.fire(review, "return", user, display.message(
                gettext_noop("Failed criteria: %(criteria)s"), criteria="; ".join(map(str, result.failed))))
    return row


# ---- a customer's rejection ----------------------------------------------------------------------------

def reopen_after_rejection(review, user, certificate, reasons):
    """The customer rejected the certificate: the review is done again (its next version), the customer's reasons
    recorded on it and added as a criterion the project team must settle."""
    with transaction.atomic():
        if review.status == ReviewStatus.APPROVED and review.is_latest:
            draft = records.new_version(review, user, comment=display.message(
                gettext_noop("Customer rejected %(certificate)s."), certificate=certificate.number))
        else:
            draft = review
        before = audit.snapshot(draft)
        draft.customer_reasons = reasons
        records.update(draft, user, before)
        records.create(ReviewCriterion(
            review=draft, source=CriterionSource.CUSTOMER, department=service_department() or draft.owner_department,
            reference=f"{certificate.number} V{certificate.version}",
            criterion=(_t("Customer's reasons for rejecting: %(reasons)s") % {"reasons": reasons})[:300],
            evidence=""), user)
    return draft


def review_url(project):
    review = review_of(project)
    if review is not None:
        return review.get_absolute_url()
    return reverse("closure:internalreview_start", args=[project.pk])
