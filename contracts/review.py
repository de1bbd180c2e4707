"""The contract review rule, in one place (SP-4.2.1).

Required departments: the Service Department always; the Commerce
Department when the contract involves procurement; any other departments
the review names. The review passes only when every required department has
given its opinion (signer and date recorded) with the verdict "agree" or
"agree with conditions". A "disagree" blocks it until the review is
returned, the contract revised and the department asked again.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _t

from org.choices import DepartmentKind
from org.models import Department

from .choices import Verdict

AGREEING = (Verdict.AGREE, Verdict.CONDITIONAL)


def department_of_kind(kind):
    return Department.objects.filter(kind=kind).order_by("code").first()


def departments_by_kind() -> dict:
    """{kind: the department of that kind} for the kinds the rule names (a list reads them once)."""
    return {kind: department_of_kind(kind) for kind in (DepartmentKind.SERVICE, DepartmentKind.COMMERCE)}


def required_departments(review, by_kind=None) -> list:
    """The departments whose opinion the review needs, in order: Service, Commerce (if procurement), others."""
    by_kind = by_kind if by_kind is not None else departments_by_kind()
    result = []
    for kind, needed in ((DepartmentKind.SERVICE, True),
                         (DepartmentKind.COMMERCE, review.contract.involves_procurement)):
        department = by_kind.get(kind) if needed else None
        if department is not None:
            result.append(department)
    if review.pk:
        extra = sorted(review.extra_departments.all(), key=lambda d: d.code)
        result += [d for d in extra if d not in result]
    return result


@dataclass
class Outcome:
    required: list
    agreed: list = field(default_factory=list)
    disagreed: list = field(default_factory=list)
    pending: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.required) and not self.disagreed and not self.pending

    def reasons(self) -> list[str]:
        reasons = []
        if self.pending:
            reasons.append(_t("Waiting for the opinion of: %(departments)s.")
                           % {"departments": ", ".join(map(str, self.pending))})
        if self.disagreed:
            reasons.append(_t("Disagreed: %(departments)s.") % {"departments": ", ".join(map(str, self.disagreed))})
        return reasons


def outcome(review, by_kind=None) -> Outcome:
    given = {o.department_id: o for o in review.opinions.all() if o.given}
    result = Outcome(required_departments(review, by_kind))
    for department in result.required:
        opinion = given.get(department.pk)
        if opinion is None:
            result.pending.append(department)
        elif opinion.verdict in AGREEING:
            result.agreed.append(department)
        else:
            result.disagreed.append(department)
    return result


def passes(review, user=None) -> bool:
    return outcome(review).passed
