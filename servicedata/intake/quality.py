"""Data-quality rules: what a suspicious row gets instead of a hand edit of the customer's file.

Each kind of anomaly (`servicedata.choices.Anomaly`) has an action in the profile (`ProfileRule`): reject the file
(the strict default: nothing is written), exclude the row, repair it in the one stated way below, or keep it as
given with a warning where the data allows. Every row excluded, repaired or kept is a `QualityFinding` of its import:
row, rule, original values, what was done. A profile without rules (and an import without a profile) behaves as
before rules existed: `DEFAULTS`.
"""

import dataclasses
from dataclasses import dataclass

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

# What a repair does, one stated way per anomaly (stored with each finding as a core.display.message).
REPAIRS = {
    A.CLOSE_BEFORE_RESOLVE: gettext_noop("The close time was taken as the resolve time."),
    A.RESOLVE_BEFORE_RESPONSE: gettext_noop("The resolve time was taken as the first response."),
    A.RESPONSE_BEFORE_CREATION: gettext_noop("The creation time was taken as the first response."),
    A.UNKNOWN_VALUE: gettext_noop("The profile's default “%(default)s” was used."),
    A.DUPLICATE_ID: gettext_noop("A later row with this id was kept; this row was left out."),
    A.FUTURE_TIME: gettext_noop("The time in the future was left empty (not yet happened)."),
    A.PAUSE_OUTSIDE: gettext_noop("The pause was cut to the ticket's life (dropped if wholly outside)."),
}
UNKNOWN_STATUS = gettext_noop("The status was derived from the ticket's times.")
UNKNOWN_KIND = gettext_noop("The kind was taken as incident.")

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
    original: dict = dataclasses.field(default_factory=dict)  # {field: value as read from the source}
    outcome: str = ""  # a core.display.message saying what the repair did; empty for an exclusion


@dataclass(frozen=True)
class Policy:
    """A profile's rules and field defaults, as the normaliser and the importer apply them."""

    rules: dict = dataclasses.field(default_factory=dict)  # {anomaly: action}
    defaults: dict = dataclasses.field(default_factory=dict)  # {field: code}, for repairing an unknown value

    @property
    def strict(self) -> bool:
        return not self.rules

    def action(self, anomaly) -> str:
        return self.rules.get(anomaly) or DEFAULTS[anomaly]


STRICT = Policy()


def repair_message(anomaly, policy) -> str:
    """What the repair of `anomaly` did, as a core.display.message."""
    from core import display

    params = {"default": policy.defaults.get("priority", "")} if anomaly == A.UNKNOWN_VALUE else {}
    return display.message(REPAIRS[anomaly], **params)


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
