"""The home page: the reader's work queue (what waits for them, what they do next, what falls due)."""

from django.db.models import Q

from .models import RecordIndex
from .permissions import roles_for
from .registry import registry


def awaiting_states(user):
    """{record type code: states} in which a record waits on the user: the sources of its deciding transitions
    (approvals and returns) that the user holds by role or by delegation."""
    roles = set(user.own_roles) | set(user.delegated_roles)
    result = {}
    for record_type in registry:
        if not record_type.implemented or record_type.workflow is None:
            continue
        for transition in record_type.workflow.transitions:
            if transition.decides and roles & roles_for(record_type.model_label, transition.name):
                result.setdefault(record_type.code, set()).update(transition.sources)
    return result


def awaiting(user):
    """Records others wrote that wait on the user's decision."""
    waiting = Q(pk__in=[])
    for code, states in awaiting_states(user).items():
        waiting |= Q(record_type=code, status__in=sorted(states))
    return RecordIndex.objects.filter(waiting).exclude(author=user)


def dashboard_for(user, today=None):
    """The reader's own home page: the work queue (core.worklist) split into what waits for their decision,
    what they must do next and what falls due in the next two weeks; overdue first in each. Urgent items (an
    information security incident to acknowledge) are listed above them all."""
    from django.utils import timezone

    from .worklist import Kind, items_for

    today = today or timezone.localdate()
    items = items_for(user, today)
    by_kind = {kind: [item for item in items if item.kind == kind] for kind in Kind.values}
    return {"urgent_items": by_kind[Kind.URGENT], "approve_items": by_kind[Kind.APPROVE],
            "write_items": by_kind[Kind.WRITE],
            "due_items": by_kind[Kind.DUE], "overdue_count": sum(item.overdue(today) for item in items),
            "today": today, "delegated_roles": user.delegated_roles}
