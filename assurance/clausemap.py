"""The clause map: ISO/IEC 20000-1 clauses mapped to the procedure's SP ids, record types and compliance rules.

INTERFACE (filled in by the clause-map part; the evidence pack and the pages read only this):

    load() -> ClauseMap        the built-in map file plus the company's own files, validated, cached
    ClauseMap.clauses          [Clause, ...] in clause order
    ClauseMap.sources          [(file name, map version), ...] what was read
    ClauseMap.for_rule(id)     [Clause, ...] listing that compliance rule
    ClauseMap.for_record_type(code)  [Clause, ...] listing that record type
    Clause.id, .title (active language), .sp (tuple of SP ids), .record_types (tuple of codes), .checks (tuple
    of rule ids), .editions ({edition label: clause id there, e.g. "ISO/IEC 20000-1:2005": "6.1"})
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clause:
    id: str
    title_en: str
    title_zh: str = ""
    sp: tuple = ()
    record_types: tuple = ()
    checks: tuple = ()
    editions: dict = field(default_factory=dict)

    @property
    def title(self):
        from django.utils.translation import get_language

        return self.title_zh if self.title_zh and (get_language() or "").startswith("zh") else self.title_en


@dataclass(frozen=True)
class ClauseMap:
    clauses: tuple = ()
    sources: tuple = ()

    def for_rule(self, rule_id):
        return [c for c in self.clauses if rule_id in c.checks]

    def for_record_type(self, code):
        return [c for c in self.clauses if code in c.record_types]


def load() -> ClauseMap:
    return ClauseMap()
