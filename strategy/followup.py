"""What became of a management review decision in a later stage (an improvement in the register). Later stages come
after strategy in the procedure, so strategy never imports them: the improvement app registers how to find the
records raised from decisions (ImprovementConfig.ready)."""

from dataclasses import dataclass

_providers = []


@dataclass(frozen=True)
class FollowUp:
    label: str  # "SP-IMP-2026-0007 v1 · title"
    url: str
    status: str  # readable, in the active language
    done: bool


def register(provider):
    """`provider(decisions) -> {decision id: [FollowUp, ...]}` for the decisions (and the decisions they carry on)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def follow_ups(decisions) -> dict:
    decisions = list(decisions)
    found = {d.pk: [] for d in decisions}
    for provider in _providers:
        for pk, rows in provider(decisions).items():
            found.setdefault(pk, []).extend(rows)
    return found
