"""Per-contract, per-month, per-priority SLA counts kept as the tickets are written (the rollup figures read).

Interface fixed for issue 16; the rollup itself lands with its model.
"""

from datetime import datetime


def refresh(contract_id: int, since: datetime | None = None) -> int:
    """Recompute the rollup rows of one contract from `since`'s month (None: every month); months refreshed."""
    return 0
