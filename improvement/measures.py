"""The measures an improvement should move, computed for a contract (or every contract in force) over a set of
full months through the same `servicedata.sla` functions the monthly reports use (SP-4.5.6).

A measure is one of `MeasureKind`, with its parameter (a priority for the achievement rates, a category for the
ticket count), its direction (higher or lower is better) and its unit. `compute(kind, contracts, months, param)`
returns a `Value`: the figure and what it was counted from (within / counted, agreed / down seconds, tickets,
answers), so a person reading the record sees the baseline was taken from the data.

Pooling: over several months (and contracts) the achievement is tickets decided within target / tickets decided,
summed over the months, as the SLA figures count it; availability pools agreed and down business seconds; the
ticket count is the average per month; the satisfaction score is the average answer (1–5).
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority
from core import businesstime
from servicedata import sla
from servicedata.models import Ticket

from .choices import Direction, MeasureKind


@dataclass(frozen=True)
class Value:
    value: float | None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Measure:
    kind: str
    direction: str
    unit: str
    compute: object  # (contracts, months, param) -> Value
    param: str = ""  # "priority", "category" or ""


def _rounded(value, digits=2):
    return None if value is None else round(float(value), digits)


def in_term(contract, months):
    """The months that overlap the contract's term: service is agreed (and measured) only then."""
    start, end = contract.start_date, contract.end_date
    return [(y, m) for y, m in months if (start.year, start.month) <= (y, m) <= (end.year, end.month)]


def _achievement(clock):
    def compute(contracts, months, priority):
        within = counted = 0
        for contract in contracts:
            for year, month in in_term(contract, months):
                metrics = sla.period_metrics(contract, year, month)
                figures = getattr(metrics, clock)
                figure = next((f for f in figures if f.priority == priority), None) if priority \
                    else getattr(metrics, f"{clock}_overall")
                if figure is not None:
                    within, counted = within + figure.within, counted + figure.counted
        percent = businesstime.Achievement(within, counted).percent
        return Value(_rounded(percent), {"within": within, "counted": counted})
    return compute


def _availability(contracts, months, _param):
    agreed = down = excused = 0
    for contract in contracts:
        for year, month in in_term(contract, months):
            metrics = sla.period_metrics(contract, year, month)
            agreed += metrics.agreed_seconds
            down += metrics.downtime_seconds
            excused += metrics.excused_seconds
    percent = businesstime.Availability(agreed, down, excused).percent
    return Value(_rounded(percent, 3), {"agreed_seconds": agreed, "downtime_seconds": down,
                                        "excused_seconds": excused})


def _category_tickets(contracts, months, category):
    tickets, measured = 0, set()
    for contract in contracts:
        zone = sla.contract_zone(contract)
        for year, month in in_term(contract, months):
            measured.add((year, month))
            start, end = sla.month_bounds(year, month, zone)
            tickets += Ticket.objects.filter(contract_id__in=sla.contract_ids(contract), category=category or "",
                                             created__gte=start, created__lt=end).count()
    value = tickets / len(measured) if measured else None
    return Value(_rounded(value), {"tickets": tickets, "months": len(measured)})


def _satisfaction(contracts, months, _param):
    from reporting.models import SatisfactionResponse

    numbers = sorted({c.number for c in contracts})
    scores = [score for score, year, month in SatisfactionResponse.objects.filter(contract__number__in=numbers)
              .values_list("score", "year", "month") if (year, month) in set(months)]
    value = sum(scores) / len(scores) if scores else None
    return Value(_rounded(value), {"answers": len(scores), "total": sum(scores)})


MEASURES = {
    MeasureKind.RESPONSE: Measure(MeasureKind.RESPONSE, Direction.HIGHER, "%", _achievement("response"),
                                  "priority"),
    MeasureKind.RESOLUTION: Measure(MeasureKind.RESOLUTION, Direction.HIGHER, "%", _achievement("resolution"),
                                    "priority"),
    MeasureKind.AVAILABILITY: Measure(MeasureKind.AVAILABILITY, Direction.HIGHER, "%", _availability),
    MeasureKind.CATEGORY_TICKETS: Measure(MeasureKind.CATEGORY_TICKETS, Direction.LOWER, _("tickets per month"),
                                          _category_tickets, "category"),
    MeasureKind.SATISFACTION: Measure(MeasureKind.SATISFACTION, Direction.HIGHER, _("points (1–5)"), _satisfaction),
}


def register(measure: Measure):
    """A later stage adds a measure of its own (its kind must be one of MeasureKind's values)."""
    MEASURES[measure.kind] = measure


def measure_of(kind) -> Measure:
    return MEASURES[kind]


def measured_months(contracts, months) -> list:
    """The months of the set inside the term of at least one of the contracts: only those are measured."""
    inside = {m for contract in contracts for m in in_term(contract, months)}
    return [m for m in months if m in inside]


def compute(kind, contracts, months, param="") -> Value:
    """The measure over the months (those inside a contract's term) of the contracts."""
    months = measured_months(contracts, months)
    if not months or not contracts:
        return Value(None, {})
    return measure_of(kind).compute(list(contracts), months, param or "")


def describe(kind, param="") -> str:
    """The measure as a person reads it: "Response achievement P2", "Tickets of a category per month: 网络"."""
    label = str(MeasureKind(kind).label)
    if not param:
        return label if measure_of(kind).param != "priority" else _t("%(measure)s (overall)") % {"measure": label}
    if measure_of(kind).param == "priority":
        return f"{label} {param}"
    return f"{label}: {param}"


def unit_of(kind) -> str:
    return str(measure_of(kind).unit)


def direction_of(kind) -> str:
    return measure_of(kind).direction


def valid_param(kind, param) -> bool:
    expected = measure_of(kind).param
    if expected == "priority":
        return not param or param in Priority.values
    return bool(param) if expected == "category" else not param


# ---- months ---------------------------------------------------------------------------------------

def month_index(year, month) -> int:
    return year * 12 + month - 1


def from_index(index) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def label(year_month) -> str:
    return f"{year_month[0]}-{year_month[1]:02d}"


def parse(labels) -> list[tuple[int, int]]:
    return [(int(text[:4]), int(text[5:7])) for text in labels or []]


def full_months_before(day: date, count: int = 3) -> list[tuple[int, int]]:
    """The `count` full months before the month of `day` (the baseline: e.g. the last three full months)."""
    return sla.last_months(day.year, day.month, count + 1)[:-1]


def full_months_after(day: date, today: date, count: int = 3) -> list[tuple[int, int]]:
    """Up to `count` full months after the month of `day` (the implemented date), ending with the last full month
    before `today`: the after value of the effectiveness check."""
    first = month_index(day.year, day.month) + 1
    last = min(first + count - 1, month_index(today.year, today.month) - 1)
    return [from_index(i) for i in range(first, last + 1)]


def moved_right_way(kind, baseline, after) -> bool | None:
    if baseline is None or after is None:
        return None
    return after > baseline if direction_of(kind) == Direction.HIGHER else after < baseline


def reached(kind, target, after) -> bool | None:
    if target is None or after is None:
        return None
    return after >= target if direction_of(kind) == Direction.HIGHER else after <= target
