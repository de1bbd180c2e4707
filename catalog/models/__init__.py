"""The service catalogue and the business calendars its SLA targets are counted in (one module each)."""

from .calendars import (
    Calendar,
    CalendarDay,
    CalendarVersion,
    WorkingHours,
    hhmm,
    minutes_of,
    missing_years,
    validate_time_zone,
    validate_years,
)
from .tiers import (
    PERCENT,
    PriorityTarget,
    PriorityTargetFields,
    Service,
    ServiceFamily,
    ServiceTier,
    ServiceTierQuerySet,
    SkillRequirement,
)

__all__ = ["PERCENT", "Calendar", "CalendarDay", "CalendarVersion", "PriorityTarget", "PriorityTargetFields",
           "Service", "ServiceFamily", "ServiceTier", "ServiceTierQuerySet", "SkillRequirement", "WorkingHours",
           "hhmm", "minutes_of", "missing_years", "validate_time_zone", "validate_years"]
