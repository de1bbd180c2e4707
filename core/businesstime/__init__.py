"""Business-time engine for SLA clocks (pure Python + NumPy, no Django import anywhere in this package).

Instants are int64 **epoch seconds (UTC)** throughout; durations are int64
business seconds.  ``MISSING`` (-1) marks "not yet" both in inputs (a ticket
not responded / resolved, a pause still running) and in outputs (no response
or resolution time yet).  ``to_epoch_seconds`` converts datetime64 arrays
(NaT -> MISSING), float arrays (NaN -> MISSING) and aware datetimes.

How it works (DESIGN.md, "SLA semantics"): a ``CalendarSpec`` says when a
service is open in local wall-clock terms.  ``BusinessClock.from_spec``
turns it, once, into the sorted, disjoint open intervals of real (UTC) time
over a date range plus a running total of business seconds.  Then

    position(t) = business seconds from the range start up to t
    elapsed(a, b) = position(b) - position(a)

with ``position`` a single ``numpy.searchsorted`` over all tickets at once.

DST rule (the one a clock on the office wall follows): an instant is business
time iff its *local wall-clock reading* (local date, local time) lies in an
open shift of that local date (an overnight shift of date D, 22:00-06:00,
covers the wall readings D 22:00 .. D+1 06:00).  So in a spring-forward gap the skipped wall
times simply do not exist (a 00:00-06:00 shift on that day lasts 5 real
hours), and in a fall-back fold the repeated wall times are open both times
(the same shift lasts 7 real hours).  Boundaries inside a gap therefore map
to the transition instant; a shift edge inside a fold may split into two
real intervals.  The test-suite's minute-by-minute reference uses exactly
this rule.  Offsets with seconds (old LMT) are handled; zones are assumed to
change offset at most once within any hour (true for all IANA zones in use).

Modules: ``calendar`` (when a service is open), ``clock`` (business time over
real time), ``measures`` (ticket clocks, achievement, availability, outages).
Import the public names from the package itself.
"""

from .calendar import (
    CalendarSpec,
    ChinaHolidays,
    MissingHolidayDataWarning,
    china_holidays,
    parse_hhmm,
    shift_span,
    workweek_hours,
)
from .clock import DAY, MISSING, BusinessClock, merge_intervals, to_epoch_seconds
from .measures import (
    Achievement,
    AchievementReport,
    Availability,
    OutageStats,
    TicketClocks,
    achievement,
    availability,
    compute_ticket_clocks,
    mtbf,
    mttr,
    outage_stats,
)

__all__ = [
    "Achievement",
    "AchievementReport",
    "Availability",
    "BusinessClock",
    "CalendarSpec",
    "ChinaHolidays",
    "DAY",
    "MISSING",
    "MissingHolidayDataWarning",
    "OutageStats",
    "TicketClocks",
    "achievement",
    "availability",
    "china_holidays",
    "compute_ticket_clocks",
    "merge_intervals",
    "mtbf",
    "mttr",
    "outage_stats",
    "parse_hhmm",
    "shift_span",
    "to_epoch_seconds",
    "workweek_hours",
]
