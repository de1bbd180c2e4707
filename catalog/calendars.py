"""Business calendars as the SLA engine sees them: frozen versions, engine specs, holiday data.

Versioning rule (chosen): a `CalendarVersion` is written on every effective
change — each save of the calendar page, each holiday/调休 day edited or
deleted, each seeding run, each API write — and only when the frozen content
differs from the latest version (so re-saving or re-seeding changes
nothing). Calendars are master data edited by administrators, not a
reviewed record, so "published" means "saved". Measurements store the
version they were computed with (`current_version()` when measuring) and
later read `to_spec(calendar, version)` for that version, so a calendar edit
never silently changes a past figure; recomputing with a newer version is an
explicit step of the SLA code.

`current_version()` also catches edits that bypassed these services (a
shell, a raw UPDATE): if the live rows differ from the latest frozen copy, a
new version is written before anything is measured with them.
"""

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records
from core import rows as core_rows
from core.businesstime import CalendarSpec, MissingHolidayDataWarning, china_holidays

from .choices import DayKind, DaySource, HolidaySource, Weekday
from .models import (
    Calendar,
    CalendarDay,
    CalendarVersion,
    hhmm,
    minutes_of,
    shift_span,
    shift_text,
    week_overlap,
)

_SPEC_CACHE: dict[str, CalendarSpec] = {}
_SPEC_CACHE_SIZE = 128


# ---- frozen versions ------------------------------------------------------------------------

def _frozen_shift(start: int, end: int) -> list[str]:
    """["22:00", "06:00"] for an overnight shift (the engine reads an end before the start as the next
    morning's), ["13:00", "24:00"] for one ending at midnight."""
    return [hhmm(start), hhmm(end - 1440 if end > 1440 else end)]


def frozen_data(calendar: Calendar) -> dict:
    """The calendar's hours and days as plain JSON (what a CalendarVersion stores), read from the database,
    so a stale in-memory Calendar can never freeze old field values.

    The keys added later ("date_hours": {date: [[start, end]]}, "closed_on_holidays": true) are written only
    when they say something, so a calendar without them keeps its digest and old versions read as before.
    """
    calendar = Calendar.objects.get(pk=calendar.pk)
    weekly: dict[str, list[list[str]]] = {}
    for row in calendar.working_hours.order_by("weekday", "start"):
        weekly.setdefault(str(row.weekday), []).append(_frozen_shift(*row.span()))
    holidays, workdays, date_hours = [], [], {}
    for day in calendar.days.order_by("date"):
        if day.kind == DayKind.HOLIDAY:
            holidays.append(day.date.isoformat())
            continue
        if day.kind == DayKind.WORKDAY:
            workdays.append(day.date.isoformat())
        if day.shifts():
            date_hours[day.date.isoformat()] = [_frozen_shift(*shift) for shift in day.shifts()]
    extra = {}
    if date_hours:
        extra["date_hours"] = date_hours
    if calendar.always_open and calendar.closed_on_holidays:
        extra["closed_on_holidays"] = True
    return {
        "name": calendar.name,
        "tz": calendar.time_zone,
        "always_open": calendar.always_open,
        "adjusted_workday_hours_from": calendar.adjusted_workday_hours_from,
        "weekly_hours": weekly,
        "holidays": holidays,
        "adjusted_workdays": workdays,
        "holiday_source": calendar.holiday_source,
        "holiday_years": sorted(calendar.holiday_years or []),
        **extra,
    }


def digest_of(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_version(calendar: Calendar, user=None, comment="") -> CalendarVersion:
    """Freeze the calendar's current content as a new version, unless the latest version already holds it."""
    with transaction.atomic():
        Calendar.objects.select_for_update().filter(pk=calendar.pk).first()  # serialise version numbering
        data = frozen_data(calendar)
        digest = digest_of(data)
        latest = calendar.versions.order_by("-number").first()
        if latest is not None and latest.digest == digest:
            return latest
        version = CalendarVersion(calendar=calendar, number=(latest.number + 1) if latest else 1, data=data,
                                  digest=digest, created_by=user if getattr(user, "pk", None) else None,
                                  comment=(comment or "")[:300])
        version.save(force_insert=True)
        # A derived snapshot: the change that caused it was permission-checked and audited already.
        audit.log_create(version, comment)
    return version


def current_version(calendar: Calendar) -> CalendarVersion:
    """The version that holds the calendar as it is now (written first if the live rows changed)."""
    latest = calendar.versions.order_by("-number").first()
    if latest is not None and latest.digest == digest_of(frozen_data(calendar)):
        return latest
    return record_version(calendar, comment=display.message(
        gettext_noop("Frozen before measuring: the calendar changed outside ServPlan.")))


def version_of(calendar: Calendar, version=None) -> CalendarVersion:
    """`version`: None (current), a version number, or a CalendarVersion of this calendar."""
    if version is None:
        return current_version(calendar)
    if isinstance(version, CalendarVersion):
        if version.calendar_id != calendar.pk:
            raise ValueError(f"{version} is not a version of {calendar}")
        return version
    return calendar.versions.get(number=int(version))


# ---- engine specs ---------------------------------------------------------------------------

def spec_from_data(data: dict, digest: str | None = None) -> CalendarSpec:
    """CalendarSpec from frozen JSON; cached by content, since a version never changes."""
    key = digest or digest_of(data)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        spec = CalendarSpec(
            tz=data["tz"],
            weekly_hours={int(day): [tuple(shift) for shift in shifts] for day, shifts in data["weekly_hours"].items()},
            holidays=frozenset(date.fromisoformat(d) for d in data["holidays"]),
            adjusted_workdays=frozenset(date.fromisoformat(d) for d in data["adjusted_workdays"]),
            adjusted_workday_hours_from=int(data["adjusted_workday_hours_from"]),
            always_open=bool(data["always_open"]),
            date_hours={date.fromisoformat(d): [tuple(s) for s in shifts]
                        for d, shifts in data.get("date_hours", {}).items()},
            closed_on_holidays=bool(data.get("closed_on_holidays", False)),
        )
        if len(_SPEC_CACHE) >= _SPEC_CACHE_SIZE:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[key] = spec
    return spec


def to_spec(calendar: Calendar, version=None) -> CalendarSpec:
    """The engine CalendarSpec of `calendar` at `version` (None: current; number; CalendarVersion)."""
    return version_of(calendar, version).to_spec()


# ---- holiday data coverage ------------------------------------------------------------------

def years_between(start: date, end: date) -> list[int]:
    return list(range(start.year, end.year + 1))


def missing_holiday_years(calendar, years) -> list[int]:
    """Years with no holiday data for a Calendar or a CalendarVersion (the version's frozen view)."""
    return calendar.missing_years(years)


def holiday_warning(calendar, start: date, end: date) -> str | None:
    """A warning to show next to any figure computed with `calendar` (Calendar or CalendarVersion)
    over local dates start..end, or None when every year there has holiday data."""
    missing = calendar.missing_years(years_between(start, end))
    if not missing:
        return None
    name = calendar.data.get("name") if isinstance(calendar, CalendarVersion) else calendar.name
    return _t("Calendar “%(calendar)s” has no public holiday data for %(years)s: holidays and adjusted workdays "
              "(调休) of those years are not counted, so business-time figures there may be wrong.") % {
        "calendar": name, "years": ", ".join(str(y) for y in missing)}


# ---- working hours --------------------------------------------------------------------------

def shift_problems(rows) -> list[str]:
    """Messages for a set of shifts given as (row label, weekday, start minutes, end minutes), an end of 00:00
    as 1440 and an end before the start meaning the next morning (an overnight shift, 22:00-06:00).

    Each message names the row(s): an empty shift, or two shifts overlapping, also across midnight (Monday
    22:00-06:00 and Tuesday 05:00-09:00; Sunday's night and Monday's morning).
    """
    problems, shifts = [], []
    for label, weekday, start, end in rows:
        start, end = shift_span(start, end)
        shift = f"{Weekday(weekday).label} {shift_text(start, end)}"
        if start == end or start >= 1440:
            problems.append(_t("%(row)s (%(shift)s): the shift is empty (an end of 00:00 means midnight, an end "
                               "before the start the next morning).") % {"row": label, "shift": shift})
            continue
        shifts.append(((weekday, start, end), label, shift))
    shifts.sort(key=lambda item: (item[0][0], item[0][1]))
    for i, (span1, label1, shift1) in enumerate(shifts):
        for span2, label2, shift2 in shifts[i + 1:]:
            if week_overlap(span1, span2):
                problems.append(_t("%(row)s (%(shift)s) overlaps %(other_row)s (%(other)s).") % {
                    "row": label2, "shift": shift2, "other_row": label1, "other": shift1})
    return problems


def check_shifts(rows):
    """Refuse a set of shifts (dicts weekday/start/end) with a reversed or an overlapping shift, naming the rows."""
    problems = shift_problems([(_t("Row %(n)s") % {"n": i}, r["weekday"], minutes_of(r["start"]),
                                minutes_of(r["end"], is_end=True)) for i, r in enumerate(rows, start=1)])
    if problems:
        raise ValidationError(problems)


def replace_working_hours(calendar: Calendar, user, rows):
    """Make the calendar's shifts equal `rows` (dicts weekday/start/end), validated as a set; audited."""
    try:
        check_shifts(rows)
    except ValidationError as exc:
        raise ValidationError({"working_hours": exc.messages}) from None
    core_rows.replace(calendar, "working_hours", rows, user)


# ---- holidays and adjusted workdays, edited one by one --------------------------------------------

def save_day(day: CalendarDay, user, before=None):
    """Write a day edited by a person (re-seeding leaves it alone) and freeze the calendar's new version."""
    with transaction.atomic():
        day.source = DaySource.MANUAL
        if before is None:
            records.create(day, user)
            comment = _t("Day %(day)s added.")
        else:
            if before.get("calendar_id") not in (None, day.calendar_id):
                raise ValidationError({"calendar": _t("A day cannot move to another calendar.")})
            records.update(day, user, before)
            comment = _t("Day %(day)s edited.")
        record_version(day.calendar, user, comment % {"day": day.date})
    return day


def delete_day(day: CalendarDay, user, comment=""):
    with transaction.atomic():
        records.delete(day, user, comment)
        record_version(day.calendar, user, _t("Day %(day)s deleted.") % {"day": day.date})


# ---- seeding China's holidays ---------------------------------------------------------------

def parse_years(text: str) -> list[int]:
    """ "2024-2027", "2025", "2024,2026" -> sorted list of years."""
    years: set[int] = set()
    for part in str(text).replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                first, last = (int(p) for p in part.split("-", 1))
                if last < first or last - first > 100:
                    raise ValueError
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
        except ValueError:
            raise ValueError(_t("“%(text)s” is not a year or a range of years like 2024-2027.")
                             % {"text": part}) from None
    if any(not 1900 <= y <= 2200 for y in years):
        raise ValueError(_t("Years must lie between 1900 and 2200."))
    return sorted(years)


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_manual: int = 0
    seeded_years: list[int] = field(default_factory=list)
    missing_years: list[int] = field(default_factory=list)
    version: CalendarVersion | None = None

    def summary(self) -> str:
        text = _t("%(created)s added, %(updated)s updated, %(removed)s removed, %(manual)s manual entries kept; "
                  "years seeded: %(years)s.") % {
            "created": self.created, "updated": self.updated, "removed": self.removed,
            "manual": self.kept_manual, "years": ", ".join(map(str, self.seeded_years)) or "—"}
        if self.missing_years:
            text += " " + _t("No holiday data for %(years)s: those years are flagged as missing.") % {
                "years": ", ".join(map(str, self.missing_years))}
        return text


def _official_days(years):
    """{date: (kind, name)} of China's holidays and 调休 workdays for the covered years, and the missing years."""
    from chinese_calendar import get_holiday_detail
    from chinese_calendar.constants import Holiday
    from chinese_calendar.constants import holidays as all_holidays

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingHolidayDataWarning)
        data = china_holidays(years)
    covered = sorted(set(years) - set(data.missing_years))
    chinese = {h.value: h.chinese for h in Holiday}
    # The engine returns only the days that differ from a Mon-Fri week; holidays falling on a weekend
    # matter to calendars that work weekends, so they are listed too.
    weekend_holidays = {d for d in all_holidays if d.year in covered and d.weekday() >= 5}
    days = {}
    for day in sorted(data.holidays | weekend_holidays):
        english = get_holiday_detail(day)[1]
        days[day] = (DayKind.HOLIDAY, chinese.get(english, english or ""))
    for day in sorted(data.workdays):
        english = get_holiday_detail(day)[1]
        days[day] = (DayKind.WORKDAY, f"{chinese.get(english, english or '')} 调休".strip())
    return days, covered, list(data.missing_years)


def seed_china_holidays(calendar: Calendar, years, user, comment="") -> SeedResult:
    """Bring the calendar's seeded days for `years` in step with chinese-calendar (idempotent).

    Manual entries win and are never touched. Years the package does not
    cover are reported in `missing_years` and are not marked as covered.
    Every row written goes through core.records (audited); one calendar
    version is recorded for the whole run.
    """
    years = sorted({int(y) for y in years})
    official, covered, missing = _official_days(years)
    result = SeedResult(seeded_years=covered, missing_years=missing)
    with transaction.atomic():
        existing = {d.date: d for d in calendar.days.filter(date__year__in=covered)}
        for day, (kind, name) in official.items():
            row = existing.get(day)
            if row is None:
                records.create(CalendarDay(calendar=calendar, date=day, kind=kind, name=name,
                                           source=DaySource.SEEDED), user, comment=comment)
                result.created += 1
            elif row.source != DaySource.SEEDED:  # entered by hand or imported from an announcement
                result.kept_manual += 1
            elif (row.kind, row.name) != (kind, name):
                before = audit.snapshot(row)
                row.kind, row.name = kind, name
                records.update(row, user, before, comment=comment)
                result.updated += 1
        for day, row in existing.items():
            if day not in official and row.source == DaySource.SEEDED:
                records.delete(row, user, comment=comment)
                result.removed += 1
        merged = sorted(set(calendar.holiday_years or []) | set(covered))
        if merged != sorted(calendar.holiday_years or []) or calendar.holiday_source != HolidaySource.CHINA:
            before = audit.snapshot(calendar)
            calendar.holiday_years = merged
            calendar.holiday_source = HolidaySource.CHINA
            records.update(calendar, user, before, comment=comment)
        result.version = record_version(calendar, user, comment or _t("Seeded China holidays for %(years)s.")
                                        % {"years": ", ".join(map(str, years))})
    return result
