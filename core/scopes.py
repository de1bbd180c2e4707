"""Object-level scope: which records a role confined to a reach sees and acts on.

The matrix (core.permissions) says what a role may do to a type of record. Some roles hold those rights only
inside a reach of their own:
* a project manager or a team member acts on the records of the projects they manage or work on, and on the
  contracts and customers those projects serve (projects declares it);
* a customer contact (Role.CUSTOMER) sees only its own organisation's records, and of those only what is shared
  with the customer (portal declares it, with `shared=True`).
Every other role acts company-wide, as its department does, and so does a person whose right to an action comes
from such a role as well.

Each model says where its project, contract and customer are read from: a record type's `scope` in the
registry, a plain model's `scope_paths`, and a child row through its parent. The most specific one that is
set decides (project, then contract, then customer); a record with none set belongs to the company: the matrix
alone decides for the project roles, and a customer never reaches it.

The app that knows membership declares each confinement with `confine(roles, reach)`; there may be several,
each for its own roles. A confinement with `shared=True` reaches a model only through the "shared with the
customer" rule the model's own app declares with `share(model_label, rows)`: a model without such a rule is
never visible to those roles, whatever the matrix says (defence in depth: the matrix row and the rule must both
exist). `within()` filters a queryset (`restrict()` calls it, so every list, page, API call, row endpoint and
export does), `reaches()` checks one object, also an unsaved one: a record is created inside the creator's
reach or not at all.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

KEYS = ("project", "contract", "customer")  # most specific first


@dataclass(frozen=True)
class Confinement:
    roles: frozenset
    reach: object  # reach(user) -> {key: flat queryset (or list) of the ids the user reaches}
    shared: bool = False  # only what a share rule lets through


_confinements: list[Confinement] = []
_shared_rows: dict = {}


def confine(roles, reach, *, shared=False):
    """`roles` act only within `reach(user)`: {key: flat queryset of the ids the user reaches} for each key.

    With `shared=True` they see, within that reach, only the rows each model's share rule lets through."""
    roles = frozenset(roles)
    taken = {role for c in _confinements if c.roles != roles for role in c.roles}
    if roles & taken:
        raise ValueError(f"roles {sorted(roles & taken)} are confined twice")
    _confinements[:] = [c for c in _confinements if c.roles != roles] + [Confinement(roles, reach, shared)]


@dataclass(frozen=True)
class ShareRule:
    rows: object  # rows(queryset, user) -> the queryset narrowed to what is shared with the user
    personal: bool = False  # the rule alone decides: it keeps only what is the user's own, whoever's record it is


def share(model_label: str, rows, *, personal=False):
    """What of `model_label` is shared with the customer: rows(queryset, user) -> the queryset narrowed to it.

    Declared by the model's own app (in its workflows.py); called after the reach has narrowed the queryset to
    the user's own organisation. `personal=True` for a rule that keeps only rows addressed to the user in person
    (their notifications, the minutes of a meeting they were invited to): the company's records, outside any
    customer's reach, then reach them through it."""
    label = model_label.lower()
    rule = ShareRule(rows, personal)
    if label in _shared_rows and _shared_rows[label] != rule:
        raise ValueError(f"the sharing rule of {label} is declared twice")
    _shared_rows[label] = rule


def shared_rule(model):
    return _shared_rows.get(model._meta.label_lower)


def paths(model) -> dict[str, str]:
    """{key: path of foreign keys} for the scope keys the model has; "" is the object itself."""
    from .models import ChildRow, ControlledRecord

    if issubclass(model, ControlledRecord):
        declared = model.record_type().scope
    elif issubclass(model, ChildRow):
        parent = model._meta.get_field(model.parent_field).related_model
        declared = {key: "__".join(filter(None, (model.parent_field, path))) for key, path in paths(parent).items()}
    else:
        declared = getattr(model, "scope_paths", {})
    return {key: declared[key] for key in KEYS if key in declared}


def confined_roles() -> frozenset:
    return frozenset().union(*(c.roles for c in _confinements))


def confined(granting) -> bool:
    """True when every role granting the action (core.permissions.granting) is a confined one."""
    return bool(granting) and granting <= confined_roles()


def _applying(granting):
    return [c for c in _confinements if c.roles & granting]


def within(queryset, user, granting):
    """The rows of `queryset` the user reaches, given the roles granting the action (all unless confined)."""
    if not confined(granting):
        return queryset
    parts = [_within_one(queryset, user, c) for c in _applying(granting)]
    if len(parts) == 1:
        return parts[0]
    return queryset.filter(reduce(or_, (Q(pk__in=part.values("pk")) for part in parts)))


def _within_one(queryset, user, confinement):
    model_paths = paths(queryset.model)
    rule = shared_rule(queryset.model) if confinement.shared else None
    if confinement.shared and rule is None:
        return queryset.none()
    if model_paths and not (rule and rule.personal):
        reach = confinement.reach(user)
        unset, condition = Q(), Q()
        for key, path in model_paths.items():
            field = path or "pk"
            condition |= unset & Q(**{f"{field}__in": reach[key]})
            unset &= Q(**{f"{field}__isnull": True})
        # A record of no project, contract or customer is the company's: a customer never reaches it.
        queryset = queryset.filter(condition if confinement.shared else condition | unset)
    return rule.rows(queryset, user) if rule is not None else queryset


def reaches(user, obj, granting) -> bool:
    """Whether the user reaches this object (saved or not), given the roles granting the action."""
    if not confined(granting):
        return True
    return any(_reaches_one(user, obj, c) for c in _applying(granting))


def _reaches_one(user, obj, confinement):
    model = type(obj)
    if confinement.shared:
        if shared_rule(model) is None:
            return False
        if obj.pk is not None:  # saved: exactly what a list would show
            return _within_one(model._base_manager.filter(pk=obj.pk), user, confinement).exists()
    model_paths = paths(model)
    for key, path in model_paths.items():
        value = value_at(obj, path)
        if value is not None:
            return value in set(confinement.reach(user)[key])
    return not confinement.shared or not model_paths


def value_at(obj, path):
    """The id at the end of a path of foreign keys (no query for the last step)."""
    *steps, last = path.split("__") if path else ("pk",)
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    field = obj._meta.get_field(last) if last != "pk" else None
    return getattr(obj, field.attname if field is not None else "pk", None)
