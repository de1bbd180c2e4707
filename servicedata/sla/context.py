"""What a contract is measured with: its SLA in force (signed SLA or tier), business calendar, time zone."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from catalog.models import Service, ServiceTier
from core.businesstime import MISSING


def sla_for(contract, day):
    """The SLA tickets created on `day` are measured against: the contract's signed SLA in force then (from its
    effective date), else its tier (contracts.models.Contract.sla_for). Both give priority_targets, targets(),
    availability_target, service_window and the capacity limits."""
    return _with_targets(contract.sla_for(day))


def sla_schedule(contract, zone):
    """(effective instants as epoch seconds, [sla]): slas[i] applies to tickets created from starts[i - 1]
    (slas[0], the tier, before the first signed SLA). For grouping a batch of tickets by created instant."""
    schedule = contract.sla_schedule()
    starts = [int(datetime.combine(day, time(), zone).timestamp()) for day, _sla in schedule[1:]]
    return np.array(starts, dtype=np.int64), [_with_targets(sla) for _day, sla in schedule]


def sla_version_id(sla) -> int:
    """What a ticket keeps as its SLA version (a tier id): the tier, or the tier a signed SLA was drafted from.

    A signed SLA is never edited and a change takes effect after it, so the signed SLA a ticket was measured
    with is `contract.sla_for(its created date)`."""
    return getattr(sla, "source_tier_id", None) or sla.pk


def _with_targets(sla):
    if isinstance(sla, ServiceTier):  # a signed SLA comes from Contract.sla_schedule with its rows read
        return ServiceTier.objects.prefetch_related("priority_targets").select_related("service_window") \
            .get(pk=sla.pk)
    return sla


def contract_calendar(contract):
    """The business calendar ticket clocks are counted in: the contract's, else its tier's service window."""
    return contract.calendar if contract.calendar_id else contract.service_tier.service_window


def contract_zone(contract) -> ZoneInfo:
    return ZoneInfo(contract_calendar(contract).time_zone)


def contract_ids(contract) -> list[int]:
    """All versions of the contract: tickets imported against any of them belong to it."""
    return list(type(contract).objects.filter(number=contract.number).values_list("pk", flat=True))


def service_lookup() -> dict[str, int]:
    """Lower-cased service code and name -> id, for matching the service column of an import."""
    lookup = {}
    for pk, code, name in Service.objects.values_list("pk", "code", "name"):
        lookup.setdefault(name.strip().lower(), pk)
        lookup[code.lower()] = pk
    return lookup


def epochs(values) -> np.ndarray:
    """Aware datetimes (None = not yet) as int64 epoch seconds (MISSING)."""
    return np.fromiter((MISSING if v is None else int(v.timestamp()) for v in values), dtype=np.int64,
                       count=len(values))
