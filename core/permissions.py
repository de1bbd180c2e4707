"""The permission matrix: which role may do what to which model. One place.

Keys are model labels (``app_label.modelname``). Actions are ``view``,
``add``, ``change``, ``delete`` and the names of workflow transitions.
Every page, API call and test reads this table; nothing else grants rights.
Delegated roles count only for workflow transitions (approvals), never for
view/add/change.
"""

from org.choices import Role as R

EVERYONE = frozenset(R.values)
STAFF = EVERYONE - {R.AUDITOR}
READ_ALL = EVERYONE
DOC_EDITORS = frozenset({R.SERVICE_STAFF, R.SERVICE_MANAGER, R.TSD_STAFF, R.TSD_DIRECTOR, R.MANAGEMENT_REP,
                         R.ADMIN})
DOC_APPROVERS = frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.MANAGEMENT_REP})

MATRIX: dict[str, dict[str, frozenset[str]]] = {
    # Company procedure documents (the procedure itself, referenced procedures, SP-1.4).
    "documents.proceduredocument": {
        "view": READ_ALL,
        "add": DOC_EDITORS,
        "change": DOC_EDITORS,
        "delete": DOC_EDITORS,
        "submit": DOC_EDITORS,
        "withdraw": DOC_EDITORS,
        "approve": DOC_APPROVERS,
        "return": DOC_APPROVERS,
    },
    "customers.customer": {
        "view": READ_ALL,
        "add": frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}),
        "change": frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}),
        "delete": frozenset({R.ADMIN}),
    },
    "org.department": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "change": frozenset({R.ADMIN}),
        "delete": frozenset({R.ADMIN}),
    },
    "org.user": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "change": frozenset({R.ADMIN}),
        "delete": frozenset(),
    },
    "org.roleassignment": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "delete": frozenset({R.ADMIN}),
    },
    "org.delegation": {
        # Anyone may delegate their own approvals; the view restricts rows to their own.
        "view": READ_ALL,
        "add": STAFF,
        "change": STAFF,
        "delete": frozenset(),
    },
    "core.recordindex": {"view": READ_ALL},
    "core.numberingscheme": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "change": frozenset({R.ADMIN}),
        "delete": frozenset(),
    },
    "core.auditentry": {
        "view": frozenset({R.AUDITOR, R.ADMIN, R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.TSD_DIRECTOR}),
    },
}


def roles_for(model_label: str, action: str) -> frozenset[str]:
    return MATRIX.get(model_label, {}).get(action, frozenset())


def label_of(model) -> str:
    return model._meta.label_lower


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.own_roles


def allowed(user, model, action: str) -> bool:
    """Role-only check (view/add/change/delete); transitions go through core.workflow."""
    return bool(user_roles(user) & roles_for(label_of(model), action))
