"""The permission matrix: which role may do what to which model. One table, written by the apps.

Keys are model labels (``app_label.modelname``). Actions are ``view``, ``add``, ``change``, ``delete``
and the names of workflow transitions. Each app declares the rows of its own models in its
``workflows.py`` with `declare()`; every page, API call and test reads the table through `allowed()`
and `roles_for()`, and nothing else grants rights. Delegated roles count only for workflow transitions
(approvals), never for view/add/change. Given an object, `allowed()` also asks core.scopes whether the user
reaches it: a project role acts only inside its own projects.

The external auditor (Role.EXTERNAL_AUDITOR) is never written into a row by hand for reading: wherever a row lets the
internal auditor view, `declare()` lets the external auditor view too (inside its audit sample: assurance confines
it), except the models in `NOT_FOR_EXTERNAL_AUDITORS`. It writes only where a row names it explicitly.
"""

from . import scopes
from .roles import READ_ALL, Role

MATRIX: dict[str, dict[str, frozenset[str]]] = {}

# What the internal auditor reads and the external auditor does not: rows that name no project, contract or customer
# and so cannot be narrowed to an audit sample, yet tell about records outside it (the audit trail holds every
# record's changes; the sample's own trail is verified in its evidence pack).
NOT_FOR_EXTERNAL_AUDITORS = frozenset({"core.auditentry"})


def declare(rows: dict[str, dict[str, frozenset[str]]]):
    """Add an app's rows: {model label: {action: roles}}. A model is declared once."""
    for model_label, actions in rows.items():
        if model_label in MATRIX:
            raise ValueError(f"permission rows for {model_label} are declared twice")
        MATRIX[model_label] = {action: frozenset(roles) for action, roles in actions.items()}
        view = MATRIX[model_label].get("view", frozenset())
        if Role.AUDITOR in view and model_label not in NOT_FOR_EXTERNAL_AUDITORS:
            MATRIX[model_label]["view"] = view | {Role.EXTERNAL_AUDITOR}


def crud(editors, *, view=READ_ALL, delete=None) -> dict[str, frozenset[str]]:
    """The four plain actions: everyone reads, `editors` write (and delete, unless told otherwise)."""
    return {"view": view, "add": editors, "change": editors, "delete": editors if delete is None else delete}


def review_flow(editors, approvers, *, delete=None, **more) -> dict[str, frozenset[str]]:
    """The generic review workflow's rows: editors draft, submit and withdraw; approvers approve or return."""
    return {**crud(editors, delete=delete), "submit": editors, "withdraw": editors, "approve": approvers,
            "return": approvers, **more}


def roles_for(model_label: str, action: str) -> frozenset[str]:
    return MATRIX.get(model_label, {}).get(action, frozenset())


def label_of(model) -> str:
    return model._meta.label_lower


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.own_roles


def granting(user, model, action: str) -> frozenset[str]:
    """The user's roles that the matrix lets do `action` to `model`."""
    return user_roles(user) & roles_for(label_of(model), action)


def allowed(user, target, action: str) -> bool:
    """May the user do `action` (view/add/change/delete) to a model, or to this object of it (its scope
    included)? Transitions go through core.workflow, which asks the same of the record."""
    model = target if isinstance(target, type) else type(target)
    roles = granting(user, model, action)
    return bool(roles) and (target is model or scopes.reaches(user, target, roles))


# Core's own models: the register, numbering schemes and the audit trail.
declare({
    "core.recordindex": {"view": READ_ALL},
    "core.numberingscheme": {"view": READ_ALL, "add": {Role.ADMIN}, "change": {Role.ADMIN}, "delete": set()},
    "core.auditentry": {"view": {Role.AUDITOR, Role.ADMIN, Role.GENERAL_MANAGER, Role.MANAGEMENT_REP,
                                 Role.TSD_DIRECTOR}},
})
