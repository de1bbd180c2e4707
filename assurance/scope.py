"""What an audit looks at: some contracts and/or projects and a period, and the records that fall in it.

The clause map's evidence, the evidence pack and the external auditor's sample all read records through this one
definition, from the Record Register (core.RecordIndex: one row per record version, with its project and contract):

* a record belongs to the scope when its most specific scope key is in it: a record of a chosen project, or of
  a chosen contract's projects; a record of no project whose contract is chosen (or is a chosen project's
  contract). The rule is core.scopes': the project decides when set, else the contract.
* a version falls in the period when it was written on or before the period's end and was still in force at its
  start (the latest version, or one changed on or after the start: superseding touches it).
* a version is issued evidence when its workflow had frozen it (approved, signed, issued ...) or it was later
  superseded; the others (drafts, in review, returned) are work in progress, listed apart.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from core.choices import RecordStatus
from core.models import RecordIndex
from core.registry import registry


@dataclass(frozen=True)
class AuditScope:
    contracts: frozenset = frozenset()  # contract ids chosen
    projects: frozenset = frozenset()  # project ids chosen
    start: date = None
    end: date = None

    @classmethod
    def of(cls, contracts=(), projects=(), start=None, end=None):
        return cls(frozenset(int(getattr(c, "pk", c)) for c in contracts),
                   frozenset(int(getattr(p, "pk", p)) for p in projects), start, end)

    @property
    def start_at(self) -> datetime:
        """The period's first instant in the company's zone."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The instant after the period's last day, in the company's zone."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def all_contracts(self) -> frozenset:
        """The chosen contracts and the contracts of the chosen projects."""
        from projects.models import Project

        through_projects = Project.objects.filter(pk__in=self.projects).exclude(contract=None)
        return self.contracts | frozenset(through_projects.values_list("contract_id", flat=True))

    def all_projects(self) -> frozenset:
        """The chosen projects and the projects of the chosen contracts."""
        from projects.models import Project

        return self.projects | frozenset(
            Project.objects.filter(contract__in=self.contracts).values_list("pk", flat=True))


def issued_states(record_type_code) -> frozenset:
    """The states in which a version of this type is issued evidence (frozen by its workflow, or superseded)."""
    record_type = registry.get(record_type_code)
    workflow = record_type.workflow if record_type is not None else None
    frozen = workflow.frozen_states if workflow is not None else (RecordStatus.APPROVED,)
    return frozenset(str(state) for state in frozen) | {RecordStatus.SUPERSEDED}


def register_entries(scope: AuditScope):
    """The Record Register's rows of every record version in the scope and period (issued or not)."""
    projects, contracts = scope.all_projects(), scope.all_contracts()
    in_scope = Q(project_ref__in=projects) | Q(project_ref__isnull=True, contract_ref__in=contracts)
    in_period = Q(created__lt=scope.end_at) & (Q(is_latest=True) | Q(updated__gte=scope.start_at))
    return RecordIndex.objects.filter(in_scope & in_period).order_by("record_type", "number", "version", "pk")


def is_issued(entry) -> bool:
    return entry.status in issued_states(entry.record_type)


def evidence_counts(scope: AuditScope) -> dict[str, dict[str, int]]:
    """{record type code: {"issued": n, "open": m}} over the scope and period, in one query."""
    counts: dict[str, dict[str, int]] = {}
    rows = register_entries(scope).order_by().values_list("record_type", "status").annotate(n=Count("pk"))
    for code, status, n in rows:
        bucket = counts.setdefault(code, {"issued": 0, "open": 0})
        bucket["issued" if status in issued_states(code) else "open"] += n
    return counts


def records_by_key(keys):
    """{(content type id, object id): record} for (content type id, object id) pairs, one query per record type
    (the register's entries, the workflow's logs and approvals name records so)."""
    wanted = defaultdict(set)
    for ct_id, object_id in keys:
        wanted[ct_id].add(object_id)
    found = {}
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        for obj in model._base_manager.filter(pk__in=ids):
            found[(ct_id, obj.pk)] = obj
    return found
