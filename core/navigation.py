from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import allowed
from .roles import Role


@dataclass
class Stage:
    code: str
    label: str
    spec: str
    record_types: tuple = ()
    items: list = field(default_factory=list)


STAGES = [
    Stage("presales", _("Pre-sales"), "SP-4.1", ("presales_proposal",)),
    Stage("contract", _("Contract"), "SP-4.2", ("service_contract", "sla", "contract_review")),
    Stage("planning", _("Planning"), "SP-4.3", ("initiation_application", "initiation_plan", "project_plan")),
    Stage("implementation", _("Implementation"), "SP-4.4", ("work_plan",)),
    Stage("monitoring", _("Monitoring & improvement"), "SP-4.5",
          ("monthly_report", "meeting_minutes", "summary_report", "acceptance_certificate")),
    Stage("commerce", _("Commerce"), "SP-2.6", ("qualified_supplier_list",)),
    Stage("management", _("Management"), "SP-2.1"),
    Stage("records", _("Records"), "SP-5"),
    Stage("admin", _("Organisation"), "SP-2"),
]
_BY_CODE = {s.code: s for s in STAGES}


def add(stage, label, url_name, model_label, roles=()):
    """A page in a stage's menu. `roles` are the roles that use it day to day: for them it is in the header;
    everyone else who may view it finds it under "More", so each role's header stays short."""
    _BY_CODE[stage].items.append((label, url_name, model_label, frozenset(roles)))


_daily_rules: list = []


def daily_for(role, rule):
    """Entries other apps add that `role` uses day to day, chosen by `rule(url_name, model_label)`: a role whose work
    lies in one area (the external auditor: audit readiness and the register) without naming it in every entry."""
    _daily_rules.append((role, rule))


def _used_by(roles, url_name, model_label, used_by):
    return bool(roles & used_by) or any(role in roles and rule(url_name, model_label) for role, rule in _daily_rules)


# A customer contact's menu (core.roles.is_outside): the customer's own view, nothing of the company's stages.
OUTSIDE = Stage("outside", _("Customer portal"), "SP-4.5")


def add_outside(label, url_name):
    """A page in a customer contact's menu (the app that makes the page customer-facing adds it)."""
    entry = (label, url_name)
    if entry not in OUTSIDE.items:
        OUTSIDE.items.append(entry)


def menu_for(user):
    """(daily, more): each a list of (stage, [(label, url)]) with the stages that have entries. `daily` holds the
    pages the user's roles use day to day (own roles and roles delegated to them), `more` every other page the
    user may view (and the record types not built yet, through the register). A customer contact gets only the
    customer's own pages."""
    from django.apps import apps

    from .registry import registry
    from .roles import is_outside

    if is_outside(user):
        return [(OUTSIDE, [(label, reverse(url_name)) for label, url_name in OUTSIDE.items])], []

    roles = set(user.own_roles) | set(user.delegated_roles)
    daily, more = [], []
    for stage in STAGES:
        mine, rest = [], []
        for label, url_name, model_label, used_by in stage.items:
            if allowed(user, apps.get_model(model_label), "view"):
                (mine if _used_by(roles, url_name, model_label, used_by) else rest).append((label, reverse(url_name)))
        for code in stage.record_types:
            record_type = registry[code]
            if not record_type.implemented:
                rest.append((record_type.label, f"{reverse('core:register')}?record_type={code}"))
        if mine:
            daily.append((stage, mine))
        if rest:
            more.append((stage, rest))
    return daily, more


# Core's own pages; every app adds its entries from its workflows.py.
add("records", _("Record register"), "core:register", "core.recordindex",
    roles={Role.AUDITOR, Role.MANAGEMENT_REP, Role.GENERAL_MANAGER, Role.ADMIN})
add("records", _("Audit trail"), "core:audit", "core.auditentry", roles={Role.AUDITOR, Role.ADMIN})
add("admin", _("Permission matrix"), "core:permissions", "core.recordindex", roles={Role.ADMIN})
add("admin", _("Numbering schemes"), "core:numberingscheme_list", "core.numberingscheme", roles={Role.ADMIN})
