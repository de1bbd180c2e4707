"""Data-quality rules: what a suspicious row gets instead of a hand edit of the customer's file.

Each kind of anomaly (`servicedata.choices.Anomaly`) has an action in the profile (`ProfileRule`): reject the file
(the strict default: nothing is written), exclude the row, repair it in the one stated way below, or keep it as
given with a warning where the data allows. Every row excluded, repaired or kept is a `QualityFinding` of its import:
row, rule, original values, what was done. A profile without rules (and an import without a profile) behaves as
before rules existed: `DEFAULTS`.
"""

from dataclasses import dataclass, field
from dataclasses import field as dataclass_field  # Finding has an attribute named field

from django.utils.translation import gettext_noop

from ..choices import Anomaly, RuleAction

A, R = Anomaly, RuleAction

# The behaviour without a rule: all-or-nothing, except what was accepted before rules existed (a pause outside the
# ticket's life is kept and counts for nothing; a resolution before the first response was never checked).
DEFAULTS = {
    A.CLOSE_BEFORE_RESOLVE: R.REJECT,
    A.RESOLVE_BEFORE_RESPONSE: R.KEEP,
    A.RESPONSE_BEFORE_CREATION: R.REJECT,
    A.RESOLVE_BEFORE_CREATION: R.REJECT,
    A.UNKNOWN_VALUE: R.REJECT,
    A.DUPLICATE_ID: R.REJECT,
    A.FUTURE_TIME: R.REJECT,
    A.PAUSE_OUTSIDE: R.KEEP,
    A.EXCLUDED_VALUE: R.EXCLUDE,
}

# What a repair does, one stated way per anomaly (stored with each finding as core.display.message data).
REPAIRS = {
    A.CLOSE_BEFORE_RESOLVE: gettext_noop("The close time was taken as the resolve time."),
    A.RESOLVE_BEFORE_RESPONSE: gettext_noop("The resolve time was taken as the first response."),
    A.RESPONSE_BEFORE_CREATION: gettext_noop("The creation time was taken as the first response."),
    A.UNKNOWN_VALUE: gettext_noop("The profile's default %(default)s was used for %(field)s."),
    A.DUPLICATE_ID: gettext_noop("The last row with this id was kept; this earlier row was left out."),
    A.FUTURE_TIME: gettext_noop("The time %(field)s was left empty (not yet happened)."),
    A.PAUSE_OUTSIDE: gettext_noop("The pause outside the ticket's life was dropped."),
}

# The actions each anomaly allows: a repair needs a stated way; keeping needs data the database and the clocks
# accept (a response or resolution before creation cannot be stored; two rows cannot share an id).
ALLOWED = {
    A.CLOSE_BEFORE_RESOLVE: {R.REJECT, R.EXCLUDE, R.REPAIR, R.KEEP},
    A.RESOLVE_BEFORE_RESPONSE: {R.REJECT, R.EXCLUDE, R.REPAIR, R.KEEP},
    A.RESPONSE_BEFORE_CREATION: {R.REJECT, R.EXCLUDE, R.REPAIR},
    A.RESOLVE_BEFORE_CREATION: {R.REJECT, R.EXCLUDE},
    A.UNKNOWN_VALUE: {R.REJECT, R.EXCLUDE, R.REPAIR},
    A.DUPLICATE_ID: {R.REJECT, R.EXCLUDE, R.REPAIR},
    A.FUTURE_TIME: {R.REJECT, R.EXCLUDE, R.REPAIR, R.KEEP},
    A.PAUSE_OUTSIDE: {R.REJECT, R.EXCLUDE, R.REPAIR, R.KEEP},
    A.EXCLUDED_VALUE: {R.EXCLUDE},
}


@dataclass(frozen=True)
class Finding:
    """What a rule did to one row (the importer adds the row number and key and stores it as a QualityFinding)."""

    anomaly: str
    action: str
    field: str = ""
    original: dict = dataclass_field(default_factory=dict)  # {field: value as read from the source}
    outcome: dict = dataclass_field(default_factory=dict)  # core.display.message data; empty for an exclusion


@dataclass(frozen=True)
class Policy:
    """A profile's rules and field defaults, as the normaliser and the importer apply them."""

    rules: dict = field(default_factory=dict)  # {anomaly: action}
    defaults: dict = field(default_factory=dict)  # {field: code}, for repairing an unknown value

    @property
    def strict(self) -> bool:
        return not self.rules

    def action(self, anomaly) -> str:
        return self.rules.get(anomaly) or DEFAULTS[anomaly]


STRICT = Policy()


def check_rules(rules: dict, defaults: dict) -> list[tuple[str, str]]:
    """(anomaly, message) for each rule that cannot hold: an action the anomaly does not allow, or a repair of
    unknown values without a default for the field."""
    from django.utils.translation import gettext as _t

    problems = []
    for anomaly, action in rules.items():
        if action not in ALLOWED.get(anomaly, ()):
            problems.append((anomaly, _t("“%(action)s” is not possible for “%(anomaly)s”.") % {
                "action": RuleAction(action).label, "anomaly": Anomaly(anomaly).label}))
    if rules.get(A.UNKNOWN_VALUE) == R.REPAIR and not defaults.get("priority"):
        problems.append((A.UNKNOWN_VALUE, _t("Repairing unknown values needs a default priority in the columns.")))
    return problems
