"""SLA computation for contracts: ticket clocks in bulk, and period figures (DESIGN.md "SLA semantics").

Clocks (`compute_pending`, `recompute`): a contract's tickets are loaded as
NumPy arrays with `values_list`, measured by the engine in one call per
chunk (`compute_ticket_clocks`, `BusinessClock.add` for due instants) and
written back in batches (`servicedata.bulk`). Each ticket keeps the calendar version and
SLA (tier) version it was measured with. New and changed tickets are
computed after an import; recomputing existing tickets with a newer calendar
or SLA is an explicit, audited step (`recompute`), never silent.

Counting rule (one formula each, documented in docs/sla.md): a ticket's
response outcome is *decided* at its first response if that was within
target, else at its due instant (from then on it is open past target, a
breach). Achievement % of a period = tickets decided within target / tickets
decided in the period, per priority and overall. So every responded ticket
counts once, tickets still open past target count as breached, and a past
month's figure does not change as time passes. Resolution likewise, with
waiting-on-customer pauses excluded from its clock.
"""

from .clocks import (
    CLOCK_FIELDS,
    ComputeResult,
    Measuring,
    clock_rows,
    compute_pending,
    measure,
    measure_batch,
    measuring,
    recompute,
    resolution_due,
)
from .context import (
    contract_calendar,
    contract_ids,
    contract_zone,
    service_lookup,
    sla_for,
    sla_schedule,
    sla_version_id,
)
from .figures import (
    Figure,
    PeriodMetrics,
    TrendPoint,
    availability_figures,
    default_month,
    last_months,
    month_bounds,
    monthly_trend,
    percent_axis_floor,
    period_metrics,
)

__all__ = ["CLOCK_FIELDS", "ComputeResult", "Figure", "Measuring", "PeriodMetrics", "TrendPoint",
           "availability_figures", "clock_rows", "compute_pending", "contract_calendar", "contract_ids",
           "contract_zone", "default_month", "last_months", "measure", "measure_batch", "measuring", "month_bounds",
           "monthly_trend", "percent_axis_floor", "period_metrics", "recompute", "resolution_due", "service_lookup",
           "sla_for", "sla_schedule", "sla_version_id"]
