"""The rules about approvals and the audit trail, which no single stage owns (core.compliance).

An approval is a deciding transition that moves a record forward (core.workflow: `decides`, not a return), as the
transition log keeps it, and each approver's vote where a record needs several. The engine refuses a self-approval
or an approver without the right when it fires; these rules find what reached the database another way (an import,
an edit outside ServPlan, a path that carried a record along without its own checks).
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import audit, display
from core.compliance import Severity, Violation, rule
from core.models import Approval, AuditEntry, TransitionLog
from core.permissions import roles_for
from core.registry import registry
from core.roles import Role
from core.workflow import not_author
from org.models import Delegation

from .scope import records_by_key

NOT_DELEGABLE = frozenset({Role.ADMIN, Role.AUDITOR})  # as org.models.User.delegated_roles


def approving_transitions():
    """{(content type id, transition name): (model, roles allowed, the author may not decide)} of every record type."""
    found = {}
    for record_type in registry:
        if not record_type.implemented:
            continue
        model = record_type.model
        ct = ContentType.objects.get_for_model(model)
        for t in record_type.workflow.transitions:
            if t.decides and t.target not in record_type.workflow.editable_states and t.style == "success":
                separated = any(getattr(c, "check", None) is not_author for c in t.conditions)
                found[(ct.pk, t.name)] = (model, roles_for(model._meta.label_lower, t.name), separated)
    return found


def _acts(queryset, transitions):
    """Rows of the transition log or the votes on approving transitions (one query)."""
    by_type = defaultdict(list)
    for ct_id, name in transitions:
        by_type[ct_id].append(name)
    if not by_type:
        return []
    condition = Q()
    for ct_id, names in by_type.items():
        condition |= Q(content_type_id=ct_id, transition__in=names)
    return list(queryset.filter(condition).order_by("pk"))


def approvals(transitions):
    """(kind, row, user, on behalf of) for each approving transition logged and each approver's vote."""
    for log in _acts(TransitionLog.objects.exclude(user=None), transitions):
        yield "log", log, log.user_id, log.on_behalf_of_id
    for vote in _acts(Approval.objects.all(), transitions):
        yield "vote", vote, vote.voter_id, vote.on_behalf_of_id


def _when(row):
    return getattr(row, "at", None)


def _key(kind, row):
    return f"{kind}-{row.pk}"


# ---- WF-1 -----------------------------------------------------------------------------------------------------

@rule("WF-1", clause="5.3", severity=Severity.MAJOR, sp="SP-5",
      title=_("Record approved by its own author"),
      explanation=_("Whoever writes a record does not approve it: the approval is an independent check by another "
                    "person holding the right. This includes an approver who acted for the author by delegation. "
                    "Found for the approvals where the procedure separates author and approver."))
def approved_by_author(scope):
    transitions = {key: value for key, value in approving_transitions().items() if value[2]}
    rows = list(approvals(transitions))
    records = records_by_key((row.content_type_id, row.object_id) for _kind, row, *_rest in rows)
    names = _names({person for _k, _r, user, behalf in rows for person in (user, behalf) if person})
    for kind, row, user, behalf in rows:
        record = records.get((row.content_type_id, row.object_id))
        if record is None or scope.contracts is not None and not _in_scope(record, scope):
            continue
        if record.author_id == user:
            text = display.message(gettext_noop("Approved (%(action)s) by its author %(user)s."),
                                   action=row.transition, user=names.get(user, user))
        elif behalf and record.author_id == behalf:
            text = display.message(gettext_noop("Approved (%(action)s) by %(user)s on behalf of its author "
                                                "%(author)s, by delegation."),
                                   action=row.transition, user=names.get(user, user), author=names.get(behalf, behalf))
        else:
            continue
        yield Violation(record, text, key=_key(kind, row), occurred=_when(row))


# ---- WF-2 -----------------------------------------------------------------------------------------------------

@rule("WF-2", clause="5.3", severity=Severity.MAJOR, sp="SP-5",
      title=_("Record approved by someone without the right"),
      explanation=_("An approval is given by a person whose role the permission matrix names for it, or by a "
                    "delegate acting for such a person under a delegation in force at that moment. Found: the "
                    "approver holds none of the roles (their current role assignments), or acted by a delegation "
                    "that was not in force or whose delegator does not hold the role."))
def approved_without_right(scope):
    transitions = approving_transitions()
    rows = list(approvals(transitions))
    people = {person for _k, _r, user, behalf in rows for person in (user, behalf) if person}
    roles = {user.pk: user.own_roles
             for user in get_user_model()._base_manager.filter(pk__in=people).prefetch_related("role_assignments")}
    names = _names(people)
    delegations = defaultdict(list)
    for delegation in Delegation.objects.filter(delegate__in=people, revoked=False):
        delegations[(delegation.delegator_id, delegation.delegate_id)].append((delegation.start, delegation.end))
    records = records_by_key((row.content_type_id, row.object_id) for _kind, row, *_rest in rows)
    for kind, row, user, behalf in rows:
        record = records.get((row.content_type_id, row.object_id))
        if record is None or scope.contracts is not None and not _in_scope(record, scope):
            continue
        allowed = transitions[(row.content_type_id, row.transition)][1]
        text = _without_right(row, user, behalf, allowed, roles, delegations, names)
        if text:
            yield Violation(record, text, key=_key(kind, row), occurred=_when(row))


def _without_right(row, user, behalf, allowed, roles, delegations, names):
    """The message when the act was without the right, else None."""
    if behalf is None:
        if roles.get(user, frozenset()) & allowed:
            return None
        return display.message(gettext_noop("Approved (%(action)s) by %(user)s, who holds none of the roles that "
                                             "may do it."), action=row.transition, user=names.get(user, user))
    at = _when(row)
    in_force = at is not None and any(start <= at < end for start, end in delegations.get((behalf, user), ()))
    if not in_force:
        return display.message(gettext_noop("Approved (%(action)s) by %(user)s on behalf of %(delegator)s without "
                                            "a delegation in force at that time."),
                               action=row.transition, user=names.get(user, user),
                               delegator=names.get(behalf, behalf))
    if (roles.get(behalf, frozenset()) - NOT_DELEGABLE) & allowed:
        return None
    return display.message(gettext_noop("Approved (%(action)s) by %(user)s on behalf of %(delegator)s, who holds "
                                        "none of the roles that may do it."),
                           action=row.transition, user=names.get(user, user), delegator=names.get(behalf, behalf))


def _names(user_ids):
    return {user.pk: str(user) for user in get_user_model()._base_manager.filter(pk__in=user_ids)}


def _in_scope(record, scope):
    from core import scopes

    path = scopes.paths(type(record)).get("contract")
    return path is not None and scopes.value_at(record, path) in scope.contracts


# ---- WF-3 -----------------------------------------------------------------------------------------------------

@rule("WF-3", clause="7.5.3", severity=Severity.MAJOR, sp="SP-5",
      title=_("Record state not reached through its workflow"),
      explanation=_("A controlled record changes state only through its workflow, which logs who moved it and "
                    "when. Found: the record's state differs from the state its last logged transition led to "
                    "(or, with no transition logged, from its workflow's first state): it was edited directly."))
def state_outside_workflow(scope):
    for record_type in registry:
        if not record_type.implemented:
            continue
        model = record_type.model
        ct = ContentType.objects.get_for_model(model)
        last = TransitionLog.objects.filter(content_type=ct, object_id=OuterRef("pk")).order_by("-pk")
        rows = model._base_manager.annotate(logged=Subquery(last.values("target")[:1])).filter(
            Q(logged__isnull=True) & ~Q(status=record_type.workflow.initial)
            | Q(logged__isnull=False) & ~Q(status=F("logged")))
        path = record_type.scope.get("contract")
        if scope.contracts is not None:
            if path is None:
                continue
            rows = rows.filter(**{f"{path}__in" if path else "pk__in": scope.contracts})
        for record in rows.order_by("pk"):
            expected = record.logged or record_type.workflow.initial
            yield Violation(record, display.message(
                gettext_noop("Its state is “%(status)s” but its workflow left it “%(expected)s”."),
                status=record.status, expected=expected))


# ---- AUD-1 ----------------------------------------------------------------------------------------------------

@rule("AUD-1", clause="7.5.3", severity=Severity.MAJOR, sp="SP-5",
      title=_("Audit trail does not verify"),
      explanation=_("Every change is written to a hash-chained audit trail; verifying it recomputes each entry's "
                    "hash and compares each audited row with its last entry. Found: an entry altered, missing or "
                    "out of the chain, or a row changed or deleted outside ServPlan."))
def audit_trail_broken(scope):
    """One violation per problem `core.audit.verify_chain` finds, on the row changed or deleted outside ServPlan (the
    entry itself when the row is gone or the chain is broken)."""
    for seq, problem in audit.verify_chain():
        row = problem.model._base_manager.filter(pk=problem.object_id).first() if problem.model else None
        obj = row or AuditEntry.objects.filter(seq__gte=seq).order_by("seq").first() or \
            AuditEntry.objects.order_by("-seq").first()
        if obj is not None:
            yield Violation(obj, display.message(CHAIN_PROBLEMS[problem.kind], seq=seq), key=problem.kind)


CHAIN_PROBLEMS = {
    "missing": gettext_noop("Audit entry #%(seq)s is missing from the chain."),
    "unlinked": gettext_noop("Audit entry #%(seq)s does not link to the entry before it."),
    "altered": gettext_noop("Audit entry #%(seq)s was altered after it was written."),
    "removed": gettext_noop("Audit entries after #%(seq)s were removed."),
    "deleted": gettext_noop("A record was deleted outside ServPlan after its last audit entry #%(seq)s."),
    "changed": gettext_noop("Changed outside ServPlan after its last audit entry #%(seq)s: the audit trail shows "
                            "what it held then."),
}
