"""Record types: the 11 outputs of SPEC section 5 and any other controlled record.

The register page lists every type declared here, with its drafting
department, whether or not any record of it exists yet. A type is bound to
its model when the app that implements it registers it.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass
class RecordType:
    code: str
    label: str
    drafted_by: str
    prefix: str
    spec: str = ""
    in_spec_register: bool = False
    retention_years: int = 5
    model_label: str | None = None
    workflow: object = None
    # Where a record's project, contract and customer are read from: paths of foreign keys ("project__contract";
    # "" is the record itself). Indexed in the register; the object-level permissions filter by them.
    scope: dict = field(default_factory=lambda: {"customer": "customer"})
    extra: dict = field(default_factory=dict)

    @property
    def model(self):
        return apps.get_model(self.model_label) if self.model_label else None

    @property
    def implemented(self):
        return self.model_label is not None


class Registry:
    def __init__(self):
        self._types: dict[str, RecordType] = {}

    def declare(self, record_type: RecordType):
        self._types[record_type.code] = record_type
        return record_type

    def bind(self, code: str, model_label: str, workflow, scope: dict | None = None, **extra):
        record_type = self._types[code]
        record_type.model_label = model_label.lower()
        record_type.workflow = workflow
        record_type.scope.update(scope or {})
        record_type.extra.update(extra)
        return record_type

    def __iter__(self):
        return iter(self._types.values())

    def __getitem__(self, code):
        return self._types[code]

    def get(self, code):
        return self._types.get(code)

    def for_model(self, model) -> RecordType:
        label = model._meta.label_lower
        for record_type in self._types.values():
            if record_type.model_label == label:
                return record_type
        raise LookupError(f"{label} is not a registered record type")

    def spec_types(self):
        return [t for t in self._types.values() if t.in_spec_register]


registry = Registry()

PROJECT_TEAM = _("Project team")
SERVICE_DEPT = _("Service Department")
SALES_DEPT = _("Sales Department")
TSD = _("Technical Service Division")
COMMERCE_DEPT = _("Commerce Department")
MANAGEMENT = _("Company management")

# SPEC section 5, in the seed's order. All are of type D (document/record).
for code, label, drafted_by, prefix in [
    ("presales_proposal", _("Pre-sales proposal"), SERVICE_DEPT, "SP-PROP"),
    ("service_contract", _("Service contract"), SALES_DEPT, "SP-CON"),
    ("contract_review", _("Contract review record"), SERVICE_DEPT, "SP-CR"),
    ("initiation_application", _("Project initiation application"), PROJECT_TEAM, "SP-INIT"),
    ("initiation_plan", _("Project initiation plan"), PROJECT_TEAM, "SP-IPLAN"),
    ("project_plan", _("Project plan"), PROJECT_TEAM, "SP-PLAN"),
    ("work_plan", _("Project work plan"), PROJECT_TEAM, "SP-WP"),
    ("monthly_report", _("Monthly service report"), PROJECT_TEAM, "SP-MSR"),
    ("meeting_minutes", _("Meeting minutes"), TSD, "SP-MIN"),
    ("summary_report", _("Project summary report"), PROJECT_TEAM, "SP-SUM"),
    ("acceptance_certificate", _("Project acceptance certificate"), PROJECT_TEAM, "SP-ACC"),
]:
    registry.declare(RecordType(code, label, drafted_by, prefix, spec="SP-5", in_spec_register=True))
