"""A tier's per-priority targets in the units the SLA engine uses (seconds, percent as float)."""

from dataclasses import dataclass

import numpy as np

from core.businesstime import MISSING

from .choices import Priority


@dataclass(frozen=True)
class Target:
    priority: str
    response_seconds: int
    resolution_seconds: int
    target_percent: float


def tier_targets(tier) -> dict[str, Target]:
    """{"P1": Target(...), ...} for the tier version given (uses a prefetched `priority_targets` if present)."""
    return {row.priority: Target(row.priority, row.response_minutes * 60, row.resolution_minutes * 60,
                                 float(row.target_percent))
            for row in tier.priority_targets.all()}


def target_arrays(tier, priorities) -> tuple[np.ndarray, np.ndarray]:
    """Per-ticket (response, resolution) target seconds for an array of priority codes.

    A priority the tier has no target for gets MISSING (-1), which the engine reads as "no target, never
    breached" (core.businesstime.compute_ticket_clocks).
    """
    targets = tier_targets(tier)
    codes = list(Priority.values)
    response = np.array([targets[c].response_seconds if c in targets else MISSING for c in codes] + [MISSING],
                        dtype=np.int64)
    resolution = np.array([targets[c].resolution_seconds if c in targets else MISSING for c in codes] + [MISSING],
                          dtype=np.int64)
    index = {code: i for i, code in enumerate(codes)}
    positions = np.array([index.get(str(p), len(codes)) for p in np.asarray(priorities).ravel()], dtype=np.int64)
    return response[positions], resolution[positions]
