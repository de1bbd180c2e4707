"""The workflow engine. Record types declare their flow here-shaped; the server enforces it.

A `Workflow` lists states and `Transition`s. Who may fire a transition comes
from the permission matrix (core.permissions) under the transition's name;
a transition adds conditions, whether a comment is required and an approval
rule (one approver, all of a list, or a quorum). Delegated roles count for
transitions. Every firing is atomic, re-checked under a row lock and a
guarded UPDATE, so two approvers pressing at once produce one transition.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from . import audit, scopes
from .choices import ApprovalKind, AuditAction, RecordStatus
from .models import Approval, TransitionLog
from .permissions import label_of, roles_for

# Sent after a transition moved a record (same transaction): sender=model, record, transition (its name), user.
# A later stage follows an earlier stage's step with it (an approved project plan sets up the report profile).
transition_fired = Signal()


class WorkflowError(ValidationError):
    """A transition refused for a reason the user can act on (shown as the message), with the links that fix it.

    `fixes` are `Fix`es: where the user goes to remove the obstacle (the page shows them as links, the API as a
    `fixes` list of {message, label, url}). Services raise it too, through `refuse()`.
    """

    def __init__(self, message, code=None, params=None, fixes=()):
        super().__init__(message, code, params)
        self.fixes = [fix for fix in fixes if fix is not None]


@dataclass(frozen=True)
class Fix:
    """Where a refusal is repaired: the reason, the link's label and its address."""

    message: str
    label: str
    url: str

    def as_dict(self):
        return {"message": str(self.message), "label": str(self.label), "url": self.url}


class Reason(str):
    """A blocking reason: its text, and the `Fix` (or None) that removes it."""

    fix = None

    def __new__(cls, message, fix=None):
        reason = super().__new__(cls, message)
        reason.fix = fix
        return reason


def refuse(message, link=None, field=None):
    """A service's refusal that says why (about `field`, if given) and, when `link` is (label, url), links to what
    fixes it."""
    fix = Fix(str(message), str(link[0]), link[1]) if link else None
    return WorkflowError({field: message} if field else message, fixes=(fix,))


class TransitionConflict(WorkflowError):
    """Someone else moved the record first."""


@dataclass(frozen=True)
class Condition:
    check: Callable  # (record, user) -> bool
    message: str
    # (record, user) -> (label, url) or None: the page that removes the obstacle ("open SLA-…", "edit the plan").
    fix: Callable | None = None

    def reason(self, record, user) -> Reason:
        link = self.fix(record, user) if self.fix else None
        return Reason(str(self.message), Fix(str(self.message), str(link[0]), link[1]) if link else None)


@dataclass(frozen=True)
class ApprovalRule:
    kind: str = ApprovalKind.ONE
    quorum: int = 1
    # Who must approve for ALL (and who may vote for QUORUM); default: anyone holding the role.
    approvers: Callable | None = None  # (record) -> iterable of users

    def needed(self, record) -> int:
        if self.kind == ApprovalKind.ALL:
            return len(self.approver_ids(record))
        return self.quorum if self.kind == ApprovalKind.QUORUM else 1

    def approver_ids(self, record) -> set[int]:
        return {u.pk for u in self.approvers(record)} if self.approvers else set()


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    conditions: tuple = ()
    comment_required: bool = False
    approval: ApprovalRule | None = None
    effects: tuple = ()  # (record, user) -> None, run after the state changed, same transaction
    style: str = "primary"
    # An approval or a return: a record in one of `sources` waits on whoever may fire it (their to-do list).
    decides: bool = False
    # Only whoever moved the record into its current state (the submitter) may fire it: a withdrawal.
    only_submitter: bool = False
    # URL name (taking the record's pk) of a page that asks what the transition needs before firing it, e.g. who
    # signed a contract: the record page's button opens that page instead of firing at once.
    page: str = ""


@dataclass(frozen=True)
class Workflow:
    states: type
    initial: str
    transitions: tuple
    editable_states: tuple = (RecordStatus.DRAFT, RecordStatus.RETURNED)
    frozen_states: tuple = (RecordStatus.APPROVED,)  # editing makes a new version
    extra: dict = field(default_factory=dict)

    def transition(self, name) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise WorkflowError(_t("Unknown action “%(name)s”.") % {"name": name})


@dataclass
class Outcome:
    done: bool
    record: object
    votes: int = 0
    needed: int = 1

    @property
    def message(self):
        if self.done:
            return _t("%(record)s is now %(status)s.") % {
                "record": self.record.number, "status": self.record.get_status_display()}
        return _t("Your approval is recorded (%(votes)s of %(needed)s needed).") % {
            "votes": self.votes, "needed": self.needed}


def workflow_of(record) -> Workflow:
    return type(record).record_type().workflow


# ---- conditions and effects shared by record types -------------------------------------------

def not_author(record, user):
    return record.author_id != user.pk


NOT_AUTHOR = Condition(not_author, _("The author of a record cannot approve it."))


# ---- fixes shared by record types: (record, user) -> (label, url) ----------------------------------

def edit_record(record, user):
    """The record's edit page: most conditions are met by completing the record itself."""
    meta = type(record)._meta
    return (_t("Edit %(record)s") % {"record": getattr(record, "number", "") or record},
            reverse(f"{meta.app_label}:{meta.model_name}_edit", args=[record.pk]))


def open_record(record, user):
    """The record's page (an action there, such as generating figures or running a check, fixes it)."""
    return _t("Open %(record)s") % {"record": getattr(record, "number", "") or record}, record.get_absolute_url()


def open_related(getter):
    """A fix opening the record `getter(record)` returns (e.g. the approved requirement a proposal waits on)."""
    def fix(record, user):
        target = getter(record)
        return open_record(target, user) if target is not None else None
    return fix


def set_approved(record, user):
    type(record).objects.filter(pk=record.pk).update(approved_at=timezone.now())


def supersede_predecessors(record, user, states=(RecordStatus.APPROVED,)):
    """When a new version is approved, earlier versions still in force become superseded (they stay readable)."""
    previous = record.predecessor
    while previous is not None:
        if previous.status in states:
            _apply(previous, "supersede", RecordStatus.SUPERSEDED, user, None,
                   _t("Superseded by version %(v)s.") % {"v": record.version})
        previous = previous.predecessor


def next_review_round(record, user):
    type(record).objects.filter(pk=record.pk).update(review_round=F("review_round") + 1)


def generic_review_workflow(*, approval=None, submit_conditions=(), approve_conditions=(NOT_AUTHOR,)):
    """The generic flow: draft → in review → approved / returned → superseded."""
    return Workflow(
        states=RecordStatus,
        initial=RecordStatus.DRAFT,
        transitions=(
            Transition("submit", _("Submit for review"), (RecordStatus.DRAFT, RecordStatus.RETURNED),
                       RecordStatus.IN_REVIEW, conditions=tuple(submit_conditions), effects=(next_review_round,)),
            Transition("withdraw", _("Withdraw"), (RecordStatus.IN_REVIEW,), RecordStatus.DRAFT,
                       style="secondary", only_submitter=True),
            Transition("approve", _("Approve"), (RecordStatus.IN_REVIEW,), RecordStatus.APPROVED,
                       conditions=tuple(approve_conditions), approval=approval or ApprovalRule(),
                       effects=(set_approved, supersede_predecessors), style="success", decides=True),
            Transition("return", _("Return for rework"), (RecordStatus.IN_REVIEW,), RecordStatus.RETURNED,
                       comment_required=True, style="warning", decides=True),
        ),
    )


# ---- the engine -------------------------------------------------------------------------------

def acting_capacity(user, record, transition_name):
    """(allowed, on_behalf_of): own role first, then a role delegated to the user for now. Either way the record
    must be within reach of whoever's role it is (a project role acts only inside its own projects)."""
    roles = roles_for(label_of(type(record)), transition_name)
    if user.own_roles & roles and scopes.reaches(user, record, user.own_roles & roles):
        return True, None
    for role, delegator in user.delegated_roles.items():
        if role in roles and scopes.reaches(delegator, record, frozenset({role})):
            return True, delegator
    return False, None


def blocking_reasons(record, user, transition: Transition, on_behalf_of=None) -> list[Reason]:
    """Conditions not met, each with the link that fixes it. A delegate acts as the delegator, so each condition
    holds for both: a delegate never approves what the delegator wrote (nor what they wrote themselves)."""
    people = (user,) if on_behalf_of is None else (user, on_behalf_of)
    return [c.reason(record, user) for c in transition.conditions
            if not all(c.check(record, person) for person in people)]


def submitter_of(record):
    """Who moved the record into its current state (a submission: the submitter; for a delegate, the delegator),
    else its author."""
    log = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                       target=record.status).order_by("-pk").first()
    if log is None:
        return record.author_id
    return log.on_behalf_of_id or log.user_id


def may_fire_as_submitter(record, user, transition: Transition) -> bool:
    return not transition.only_submitter or submitter_of(record) == user.pk


def check_approver(record, rule, counted_as):
    """A rule naming its approvers (of any kind) admits only them; a delegate's vote counts as the delegator's."""
    if rule is not None and rule.approvers is not None and counted_as.pk not in rule.approver_ids(record):
        raise PermissionDenied(_t("You are not one of the approvers of this record."))


def available(record, user):
    """Transitions the user could press now, each with the reasons it is blocked (empty: allowed)."""
    result = []
    for t in workflow_of(record).transitions:
        if record.status not in t.sources:
            continue
        allowed, on_behalf_of = acting_capacity(user, record, t.name)
        if allowed and may_fire_as_submitter(record, on_behalf_of or user, t):
            result.append((t, blocking_reasons(record, user, t, on_behalf_of)))
    return result


def fire(record, name, user, comment="", workflow=None) -> Outcome:
    workflow = workflow or workflow_of(record)
    t = workflow.transition(name)
    allowed, on_behalf_of = acting_capacity(user, record, name)
    if not allowed:
        raise PermissionDenied(_t("Your role may not “%(action)s” this record.") % {"action": t.label})
    if not may_fire_as_submitter(record, on_behalf_of or user, t):
        raise PermissionDenied(_t("Only whoever submitted the record may “%(action)s” it.") % {"action": t.label})
    if t.comment_required and not (comment or "").strip():
        raise WorkflowError({"comment": _t("A comment is required to “%(action)s”.") % {"action": t.label}})
    with transaction.atomic():
        locked = _locked_in_source(record, t)
        reasons = blocking_reasons(locked, user, t, on_behalf_of)
        if reasons:
            raise WorkflowError([str(r) for r in reasons], fixes=[r.fix for r in reasons])
        rule = t.approval
        check_approver(locked, rule, on_behalf_of or user)
        if rule is not None and rule.kind != ApprovalKind.ONE:
            votes, needed = _vote(locked, t, rule, user, on_behalf_of, comment)
            if votes < needed:
                return Outcome(False, locked, votes, needed)
        _apply(locked, t.name, t.target, user, on_behalf_of, comment, expected_status=locked.status,
               expected_lock=locked.lock_version, effects=t.effects)
    record.refresh_from_db()
    return Outcome(True, record)


def _vote(record, t, rule, user, on_behalf_of, comment):
    counted_as = on_behalf_of or user
    ct = ContentType.objects.get_for_model(record)
    try:
        with transaction.atomic():
            Approval.objects.create(content_type=ct, object_id=record.pk, transition=t.name,
                                    review_round=record.review_round, voter=user, on_behalf_of=on_behalf_of,
                                    counted_as=counted_as, comment=comment)
    except IntegrityError:
        raise WorkflowError(_t("%(user)s has already approved this round.") % {"user": counted_as}) from None
    audit.record_entry(AuditAction.APPROVAL_VOTE, record, comment=comment, user=user,
                       changes={"vote": [None, t.name], "on_behalf_of": [None, getattr(on_behalf_of, "pk", None)]})
    votes = Approval.objects.filter(content_type=ct, object_id=record.pk, transition=t.name,
                                    review_round=record.review_round)
    if rule.approvers is not None:
        votes = votes.filter(counted_as__in=rule.approver_ids(record))
    return votes.count(), rule.needed(record)


def _locked_in_source(record, t):
    """The record's row, locked, still in one of the transition's sources (else someone acted first)."""
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.status not in t.sources:
        raise TransitionConflict(
            _t("This record is already “%(status)s”; someone acted on it before you. Reload the page.")
            % {"status": locked.get_status_display()})
    return locked


def _apply(record, name, target, user, on_behalf_of, comment, expected_status=None, expected_lock=None,
           effects=()):
    model = type(record)
    source = record.status
    guard = {"pk": record.pk, "status": expected_status or source}
    if expected_lock is not None:
        guard["lock_version"] = expected_lock
    if not model.objects.filter(**guard).update(status=target, lock_version=F("lock_version") + 1):
        raise TransitionConflict(_t("Someone changed this record at the same time. Reload the page."))
    record.refresh_from_db()
    for effect in effects:
        effect(record, user)
    record.refresh_from_db()
    TransitionLog.objects.create(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                 transition=name, source=source, target=target,
                                 user=user if getattr(user, "pk", None) else None, on_behalf_of=on_behalf_of,
                                 comment=comment or "")
    # Stored text, so language-neutral: the action code and who was stood in for.
    behalf = f" (on behalf of {on_behalf_of})" if on_behalf_of else ""
    audit.record_entry(AuditAction.TRANSITION, record, changes={"status": [source, target]},
                       snap=audit.snapshot(record), comment=comment or "", user=user,
                       obj_repr=f"{record} [{name}]{behalf}")
    from .records import reindex

    reindex(record)
    transition_fired.send(sender=model, record=record, transition=name, user=user)


def fire_authorised(record, name, comment="", workflow=None) -> Outcome:
    """Fire a transition whose authority the caller established outside the permission matrix: a one-time signing
    link held by a customer who has no account (closure.services.acceptance). The state, the conditions, the row
    lock and the guarded update are checked as in fire(); the log and the audit entry name no user (the caller
    records who acted and how)."""
    workflow = workflow or workflow_of(record)
    t = workflow.transition(name)
    with transaction.atomic():
        locked = _locked_in_source(record, t)
        reasons = [c.reason(locked, None) for c in t.conditions if not c.check(locked, None)]
        if reasons:
            raise WorkflowError([str(r) for r in reasons], fixes=[r.fix for r in reasons])
        _apply(locked, t.name, t.target, None, None, comment, expected_status=locked.status,
               expected_lock=locked.lock_version, effects=t.effects)
    record.refresh_from_db()
    return Outcome(True, record)
