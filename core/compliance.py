"""Process-compliance rules: what an auditor would find skipped, checked over the whole database.

Each app declares the rules about its own records in its `compliance.py` (imported from its AppConfig.ready, as
its report sections are) and core keeps them in one ordered registry; the assurance stage runs them, on demand
and on a schedule, and keeps what they find as findings.

    @compliance.rule("CON-1", clause="8.3.2", severity=Severity.MAJOR, sp="SP-4.2.1",
                     title=_("Contract signed without a passed review"),
                     explanation=_("A contract is signed only after its review passed (SP-4.2) ..."))
    def signed_without_review(scope):
        for contract in Contract.objects.filter(...):
            yield Violation(contract, message(gettext_noop("Signed on %(date)s; ..."), date=...))

A rule is a function of a `CheckScope` (today's date, and the contracts to look at, None for all) yielding a
`Violation` per record in breach. It reads with a few set-based queries (never one per record of a large table)
and names the record concerned; several violations of one rule on one record carry distinct keys (a month). The
clause is the ISO/IEC 20000-1:2018 clause the rule serves; the clause map (assurance) lists the rule under it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """As a certification auditor grades what they find."""

    MAJOR = "major", _("Major nonconformity")
    MINOR = "minor", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")


@dataclass(frozen=True)
class CheckScope:
    today: date
    contracts: frozenset | None = None  # contract ids to look at; None: the whole database

    def narrow(self, queryset, path="contract"):
        """`queryset` limited to the scope's contracts through `path` (a foreign-key path to the contract)."""
        if self.contracts is None:
            return queryset
        return queryset.filter(**{f"{path}__in": self.contracts})


@dataclass(frozen=True)
class Violation:
    obj: models.Model  # the record in breach: the finding links to it and takes its scope (project, contract)
    message: str  # what is wrong with it, as core.display.message(...) data read in each reader's language
    key: str = ""  # tells apart several violations of one rule on one record (a month "2026-03", a row id)
    occurred: object = None  # date or datetime the breach happened, when known
    related: tuple = field(default=())  # other records worth a link (the approver's delegation, the review)


@dataclass(frozen=True)
class Rule:
    id: str
    clause: str
    severity: str
    title: object
    explanation: object
    find: object  # (CheckScope) -> iterable of Violation
    sp: str = ""  # the procedure's requirement id the rule checks

    def __str__(self):
        return f"{self.id} {self.title}"


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in _rules and _rules[rule.id].find is not rule.find:
        raise ValueError(f"compliance rule {rule.id} is declared twice")
    _rules[rule.id] = rule
    return rule


def rule(rule_id, *, clause, severity, title, explanation, sp=""):
    """Declare the decorated function as the rule `rule_id`."""

    def declare(find):
        register(Rule(rule_id, clause, severity, title, explanation, find, sp))
        return find

    return declare


def rules() -> list[Rule]:
    """Every rule, ordered by id."""
    return sorted(_rules.values(), key=lambda r: _natural(r.id))


def get(rule_id) -> Rule | None:
    return _rules.get(rule_id)


def _natural(rule_id):
    prefix, _sep, number = rule_id.partition("-")
    return prefix, int(number) if number.isdigit() else 0, number
