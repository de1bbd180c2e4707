"""Import profiles as records: a draft prefilled from a built-in, the checks a profile must pass (shared by the
edit page and the API), the profiles a contract's import may use, and queueing a file import with one."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _t

from core import records, rows
from core.choices import RecordStatus

from ..choices import Anomaly, FileEncoding, ImportFormat, ProfileField, RuleAction, SourceTool
from ..models import ImportProfile
from . import quality

REQUIRED_FIELDS = (ProfileField.EXTERNAL_ID, ProfileField.CREATED)


# ---- a draft from a built-in ------------------------------------------------------------------------

def spec_rows(spec) -> dict:
    """The rows of a ProfileSpec as the profile's row lists: {"columns": [...], "values": [...], "rules": [...]}."""
    columns = [{"field": name, "column": " | ".join(spec.columns[name]), "default": spec.defaults.get(name, "")}
               for name in ProfileField.values if spec.columns.get(name)]
    values = [{"field": name, "value": str(value)[:100], "code": str(code)[:40]}
              for name, mapping in spec.values.items() if name in ProfileField.values
              for value, code in mapping.items()]
    rules = [{"anomaly": anomaly, "action": action} for anomaly, action in spec.rules.items()
             if anomaly in Anomaly.values and action in RuleAction.values]
    return {"columns": columns, "values": values, "rules": rules}


def profile_from_spec(spec, contract, user, *, title="") -> ImportProfile:
    """A draft import profile of `contract` (None: shared) prefilled with a built-in's settings and rows, written
    through core.records and core.rows (audited); the user then adjusts it and submits it for approval."""
    profile = ImportProfile(
        title=(title or spec.name or spec.key)[:200], contract=contract,
        customer=contract.customer if contract is not None else None,
        owner_department=user.department, based_on=spec.key[:40],
        tool=spec.tool if spec.tool in SourceTool.values else SourceTool.OTHER,
        format=spec.format if spec.format in ImportFormat.values else ImportFormat.CSV,
        encoding=spec.encoding if spec.encoding in FileEncoding.values else FileEncoding.AUTO,
        records_path=spec.records_path[:100], external_system=spec.external_system[:40],
        time_zone=spec.time_zone[:60], date_formats=list(spec.date_formats),
        first_response_statuses=list(spec.first_response_statuses), pause_statuses=list(spec.pause_statuses))
    with transaction.atomic():
        records.create(profile, user, comment=_t("Drafted from the built-in profile %(name)s.") % {
            "name": spec.name or spec.key})
        for name, data in spec_rows(spec).items():
            rows.replace(profile, name, data, user)
    return profile


# ---- what a profile must hold ----------------------------------------------------------------------

def problems(columns: list[dict], rules: list[dict]) -> list[tuple[str, int | None, str]]:
    """(row list, row number from 1 or None, message) for each thing the profile lacks or cannot do: a mapping
    of the external id and of the creation time, a priority (column or default), and rules the anomaly allows
    (servicedata.intake.quality.check_rules)."""
    found = []
    mapped = {row.get("field"): row for row in columns}
    for name in REQUIRED_FIELDS:
        if not (mapped.get(name) or {}).get("column"):
            found.append(("columns", None, _t("Map the field “%(field)s” to a source column.") % {
                "field": ProfileField(name).label}))
    priority = mapped.get(ProfileField.PRIORITY) or {}
    if not priority.get("column") and not priority.get("default"):
        found.append(("columns", None, _t("Map the field “%(field)s” to a source column or give its default.") % {
            "field": ProfileField.PRIORITY.label}))
    defaults = {row.get("field"): row.get("default") for row in columns if row.get("default")}
    position = {row.get("anomaly"): index for index, row in enumerate(rules, start=1)}
    for anomaly, message in quality.check_rules({r.get("anomaly"): r.get("action") for r in rules}, defaults):
        index = position.get(anomaly)
        found.append(("rules", index, _t("Row %(n)s: %(message)s") % {"n": index, "message": message}
                      if index else message))
    return found


def check(profile, columns=None, rules=None):
    """Raise ValidationError naming the rows when the profile (or the given row lists) cannot be used."""
    if columns is None:
        columns = list(profile.columns.values("field", "column", "default"))
    if rules is None:
        rules = list(profile.rules.values("anomaly", "action"))
    found = problems(columns, rules)
    if found:
        errors = {}
        for name, _index, message in found:
            errors.setdefault(name, []).append(message)
        raise ValidationError(errors)


# ---- the profiles an import may use ------------------------------------------------------------------

def usable(contract, user):
    """The approved import profiles the user may read that this contract's import may use: its own and the
    shared ones (no contract), the latest approved version of each number."""
    candidates = ImportProfile.objects.restrict(user, "view").filter(
        Q(contract__number=contract.number) | Q(contract__isnull=True), status=RecordStatus.APPROVED)
    latest = {}
    for profile in candidates.order_by("number", "-version"):
        latest.setdefault(profile.number, profile)
    return sorted(latest.values(), key=lambda p: (p.contract_id is None, p.title))


def queue_file(contract, user, upload, *, fmt, external_system="", time_zone="", profile=None, builtin_key=""):
    """Queue the import of an uploaded file as a job read with an approved profile of the contract (or shared),
    or a built-in profile, or ServPlan's own columns."""
    from .. import services

    if profile is not None and profile not in usable(contract, user):
        raise PermissionDenied(_t("This import profile is not approved for this contract."))
    return services.import_file(contract, user, upload, fmt=fmt, external_system=external_system,
                                time_zone=time_zone, profile=profile, builtin_profile=builtin_key)


def builtin_choices():
    """[(key, name)] of the built-in profiles a user may start from (ServPlan's own columns need none)."""
    from . import builtin

    return [(key, name) for key, name in builtin.choices() if key != "servplan"]


def choices(contract, user):
    """The profile choice of an import: ServPlan's columns, the approved profiles of the contract (or shared),
    the built-ins; values "", "profile:<id>", "builtin:<key>"."""
    found = [("", _t("ServPlan columns"))]
    mine = [(f"profile:{p.pk}", f"{p.number} v{p.version} {p.title}") for p in usable(contract, user)]
    if mine:
        found.append((_t("Approved profiles"), mine))
    builtins = [(f"builtin:{key}", name) for key, name in builtin_choices()]
    if builtins:
        found.append((_t("Built-in profiles"), builtins))
    return found


def resolve_choice(choice, contract, user):
    """(profile, built-in key, spec) of an import's profile choice; ValidationError for one it may not use."""
    from . import builtin

    kind, _sep, value = (choice or "").partition(":")
    if kind == "profile":
        profile = next((p for p in usable(contract, user) if str(p.pk) == value), None)
        if profile is None:
            raise ValidationError(_t("This import profile is not approved for this contract."))
        return profile, "", profile.spec()
    if kind == "builtin" and value and value != "servplan":
        try:
            return None, value, builtin.get(value)
        except KeyError:
            raise ValidationError(_t("Unknown built-in profile.")) from None
    return None, "", None
