"""The evidence per clause for an audit scope: what the clause map page, its export and the API show.

Per clause: each mapped record type with its issued and open (work in progress) versions in the scope and period
(assurance.scope.evidence_counts: one query), each mapped rule with its open findings in the scope (one grouped
query; findings tied to no contract or project, such as the audit trail's, count in every scope), and whether the
evidence is thin: a mapped record type but no issued record, open findings, or nothing mapped at all.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import compliance
from core.registry import registry

from ..choices import FindingStatus
from ..scope import AuditScope, evidence_counts

NO_ISSUED_RECORD = "no_issued_record"
OPEN_FINDINGS = "open_findings"
NOTHING_MAPPED = "nothing_mapped"
THIN_REASONS = {
    NO_ISSUED_RECORD: _("no issued record in the period"),
    OPEN_FINDINGS: _("open findings"),
    NOTHING_MAPPED: _("no record type and no check mapped"),
}


@dataclass(frozen=True)
class TypeEvidence:
    code: str
    issued: int
    open: int

    @property
    def label(self):
        record_type = registry.get(self.code)
        return record_type.label if record_type else self.code


@dataclass(frozen=True)
class RuleEvidence:
    id: str
    open_findings: int

    @property
    def rule(self):
        return compliance.get(self.id)

    @property
    def title(self):
        rule = self.rule
        return rule.title if rule else self.id


@dataclass(frozen=True)
class ClauseEvidence:
    clause: object  # clausemap.Clause
    types: tuple = ()
    rules: tuple = ()
    reasons: tuple = field(default=())  # THIN_REASONS keys

    @property
    def issued(self):
        return sum(t.issued for t in self.types)

    @property
    def open(self):
        return sum(t.open for t in self.types)

    @property
    def open_findings(self):
        return sum(r.open_findings for r in self.rules)

    @property
    def thin(self):
        return bool(self.reasons)

    @property
    def reason_labels(self):
        return [THIN_REASONS[reason] for reason in self.reasons]


def default_period(today=None):
    """The year up to today: the period an annual surveillance audit looks at."""
    today = today or timezone.localdate()
    return today - timedelta(days=364), today


def findings_in_scope(scope: AuditScope, user=None):
    """Open findings of the scope's projects, of its contracts (when tied to no project), and of the company as a
    whole (tied to neither), visible to `user` when given."""
    from ..models import Finding

    queryset = Finding.objects.restrict(user, "view") if user is not None else Finding.objects.all()
    in_scope = (Q(project__in=scope.all_projects()) | Q(project__isnull=True, contract__in=scope.all_contracts())
                | Q(project__isnull=True, contract__isnull=True))
    return queryset.filter(in_scope, status=FindingStatus.OPEN)


def open_findings_by_rule(scope: AuditScope, user=None) -> dict[str, int]:
    return dict(findings_in_scope(scope, user).order_by().values_list("rule_id").annotate(n=Count("pk")))


def evidence(clause_map, scope: AuditScope, user=None) -> list[ClauseEvidence]:
    """Every clause of the map with its evidence in the scope."""
    counts = evidence_counts(scope)
    findings = open_findings_by_rule(scope, user)
    rows = []
    for clause in clause_map.clauses:
        types = tuple(TypeEvidence(code, counts.get(code, {}).get("issued", 0), counts.get(code, {}).get("open", 0))
                      for code in clause.record_types)
        rules = tuple(RuleEvidence(rule_id, findings.get(rule_id, 0)) for rule_id in clause.checks)
        reasons = []
        if types and not any(t.issued for t in types):
            reasons.append(NO_ISSUED_RECORD)
        if any(r.open_findings for r in rules):
            reasons.append(OPEN_FINDINGS)
        if not types and not rules:
            reasons.append(NOTHING_MAPPED)
        rows.append(ClauseEvidence(clause, types, rules, tuple(reasons)))
    return rows


def evidence_data(rows) -> list[dict]:
    """The evidence as plain data (the API)."""
    return [{
        "clause": row.clause.id, "title": str(row.clause.title), "thin": row.thin, "reasons": list(row.reasons),
        "issued": row.issued, "open": row.open, "open_findings": row.open_findings,
        "record_types": [{"code": t.code, "label": str(t.label), "issued": t.issued, "open": t.open}
                         for t in row.types],
        "checks": [{"rule": r.id, "title": str(r.title), "open_findings": r.open_findings} for r in row.rules],
        "sp": list(row.clause.sp),
    } for row in rows]
