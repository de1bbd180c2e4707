from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import allowed


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
    Stage("records", _("Records"), "SP-5"),
    Stage("admin", _("Organisation"), "SP-2"),
]
_BY_CODE = {s.code: s for s in STAGES}


def add(stage, label, url_name, model_label):
    _BY_CODE[stage].items.append((label, url_name, model_label))


def menu_for(user):
    from django.apps import apps

    from .registry import registry

    menu = []
    for stage in STAGES:
        entries = [(label, reverse(url_name)) for label, url_name, model_label in stage.items
                   if allowed(user, apps.get_model(model_label), "view")]
        for code in stage.record_types:
            record_type = registry[code]
            if not record_type.implemented:
                entries.append((record_type.label, f"{reverse('core:register')}?record_type={code}"))
        menu.append((stage, entries))
    return menu


# Core's own pages; every app adds its entries from its workflows.py.
add("records", _("Record register"), "core:register", "core.recordindex")
add("records", _("Audit trail"), "core:audit", "core.auditentry")
add("admin", _("Permission matrix"), "core:permissions", "core.recordindex")
add("admin", _("Numbering schemes"), "core:numberingscheme_list", "core.numberingscheme")
