"""Object-level scope: which records a role confined to its projects reaches.

The matrix (core.permissions) says what a role may do to a type of record. Some roles hold those rights only
inside their own projects: a project manager or a team member acts on the records of the projects they manage
or work on, and on the contracts and customers those projects serve. Every other role acts company-wide, as
its department does, and so does a person whose right to an action comes from such a role as well.

Each model says where its project, contract and customer are read from: a record type's `scope` in the
registry, a plain model's `scope_paths`, and a child row through its parent. The most specific one that is
set decides (project, then contract, then customer); a record with none set belongs to the company and the
matrix alone decides. The app that knows membership declares the confined roles and each user's reach with
`confine()`. `within()` filters a queryset (`restrict()` calls it, so every list, page, API call, row endpoint
and export does), `reaches()` checks one object, also an unsaved one: a record is created inside the creator's
reach or not at all.
"""

from django.db.models import Q

KEYS = ("project", "contract", "customer")  # most specific first

_confinement = {"roles": frozenset(), "reach": None}


def confine(roles, reach):
    """`roles` act only within `reach(user)`: {key: flat queryset of the ids the user reaches} for each key."""
    _confinement.update(roles=frozenset(roles), reach=reach)


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


def confined(granting) -> bool:
    """True when every role granting the action (core.permissions.granting) is a confined one."""
    return bool(granting) and granting <= _confinement["roles"]


def within(queryset, user, granting):
    """The rows of `queryset` the user reaches, given the roles granting the action (all unless confined)."""
    model_paths = paths(queryset.model)
    if not model_paths or not confined(granting):
        return queryset
    reach = _confinement["reach"](user)
    unset, condition = Q(), Q()
    for key, path in model_paths.items():
        field = path or "pk"
        condition |= unset & Q(**{f"{field}__in": reach[key]})
        unset &= Q(**{f"{field}__isnull": True})
    return queryset.filter(condition | unset)


def reaches(user, obj, granting) -> bool:
    """Whether the user reaches this object (saved or not), given the roles granting the action."""
    model_paths = paths(type(obj))
    if not model_paths or not confined(granting):
        return True
    for key, path in model_paths.items():
        value = value_at(obj, path)
        if value is not None:
            return value in set(_confinement["reach"](user)[key])
    return True


def value_at(obj, path):
    """The id at the end of a path of foreign keys (no query for the last step)."""
    *steps, last = path.split("__") if path else ("pk",)
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    field = obj._meta.get_field(last) if last != "pk" else None
    return getattr(obj, field.attname if field is not None else "pk", None)
