"""The service catalogue and the business calendars its SLA targets are counted in (one module each)."""

from .calendars import (
    Calendar,
    CalendarDay,
    CalendarVersion,
    WorkingHours,
    format_day_hours,
    hhmm,
    minutes_of,
    missing_years,
    parse_day_hours,
    shift_span,
    shift_text,
    validate_day_hours,
    validate_time_zone,
    validate_years,
    week_overlap,
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
           "format_day_hours", "hhmm", "minutes_of", "missing_years", "parse_day_hours", "shift_span", "shift_text",
           "validate_day_hours", "validate_time_zone", "validate_years", "week_overlap"]
