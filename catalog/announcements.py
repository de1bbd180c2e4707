"""China's public holidays from the State Council's yearly announcement (国务院办公厅关于20XX年部分节假日安排的通知).

For a year the bundled chinese-calendar package lacks, an administrator pastes the announcement's text; `parse`
reads its numbered items, e.g.

    一、元旦：1月1日（周三）放假1天，不调休。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
    三、清明节：4月4日（周五）至6日（周日）放假，共3天。

into holidays (every date of a 放假 range, weekends included, as the package lists them) and adjusted workdays
(the 上班 dates), each named after its item. Read robustly: full-width or half-width digits and punctuation,
notes in brackets ignored, an end date without its month (至6日), a range crossing into the next month or year,
a date of the previous December (元旦 from 12月30日), explicit years (2022年12月31日), several 上班 dates, "共N天"
checked against the range. `apply` writes the days into a calendar (one audited row each, one calendar version)
and marks the year as having holiday data.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit, records

from .calendars import record_version
from .choices import DayKind, DaySource, HolidaySource
from .models import Calendar, CalendarDay, CalendarVersion

_ITEM = re.compile(r"(?:^|\n|。)\s*[一二三四五六七八九十]+\s*[、.]\s*([^:\n。]{1,30}?)\s*:")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


@dataclass(frozen=True)
class AnnouncedDay:
    date: date
    kind: str  # DayKind.HOLIDAY or DayKind.WORKDAY
    name: str

    @property
    def kind_label(self):
        return DayKind(self.kind).label


@dataclass
class Announcement:
    year: int
    days: list[AnnouncedDay] = field(default_factory=list)

    @property
    def holidays(self) -> list[date]:
        return [d.date for d in self.days if d.kind == DayKind.HOLIDAY]

    @property
    def workdays(self) -> list[date]:
        return [d.date for d in self.days if d.kind == DayKind.WORKDAY]


def _normalise(text: str) -> str:
    """Half-width digits and punctuation (NFKC: １ -> 1, ： -> :, （ -> (), brackets and their notes removed."""
    text = unicodedata.normalize("NFKC", text or "").replace("\r", "\n")
    text = text.replace("〔", "[").replace("〕", "]")
    previous = None
    while previous != text:  # nested brackets
        previous, text = text, _BRACKETS.sub("", text)
    return text


def _valid_date(year, month, day, item) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(_t("%(item)s: %(month)s月%(day)s日 is not a date of %(year)s.") % {
            "item": item, "month": month, "day": day, "year": year}) from None


def _dates(sentence: str, year: int, default_month: int | None, item: str, early: bool):
    """The dates of a sentence in order, each without month taking the month before it and each without year
    the announcement's (December in an item about the year's start, 元旦, is the previous year's)."""
    result, month, current_year = [], default_month, None
    for match in _DATE.finditer(sentence):
        explicit_year, explicit_month, day = match.groups()
        if explicit_month:
            month = int(explicit_month)
        if month is None:
            raise ValidationError(_t("%(item)s: “%(text)s” has no month.") % {"item": item, "text": match[0]})
        if explicit_year:
            current_year = int(explicit_year)
        elif current_year is None or explicit_month:
            current_year = year - 1 if (month == 12 and early) else year
            if result and not explicit_year and (current_year, month) < (result[-1].year, result[-1].month):
                current_year = result[-1].year + 1  # 12月31日至1月2日: the range runs into the next year
        result.append(_valid_date(current_year, month, int(day), item))
    return result


def _item_days(name: str, body: str, year: int) -> list[AnnouncedDay]:
    """Clause by clause (split at 。 , ;): a clause with 上班 lists workdays, one with 放假/补休 a range (A至B) or
    single holidays; dates in a clause without either word wait for the next clause that has one."""
    days: list[AnnouncedDay] = []
    early = "元旦" in name or bool(re.match(r"\s*12\s*月", body) and re.search(r"至\s*(?:\d{4}\s*年\s*)?1\s*月", body))
    month, pending = None, ""
    for sentence in re.split(r"[。;\n]", body):
        total = _TOTAL.search(sentence)
        for clause in sentence.split(","):
            clause = pending + "、" + clause if pending else clause
            if "上班" in clause:
                found = _dates(clause, year, month, name, early)
                days.extend(AnnouncedDay(day, DayKind.WORKDAY, f"{name} 调休") for day in found)
            elif "放假" in clause or "补休" in clause:
                found = _dates(clause, year, month, name, early)
                if "至" in clause and len(found) > 1:
                    first, last = found[0], found[1]
                    if last < first:  # 1月28日至4日: the end is in the next month
                        last = _valid_date(first.year + (first.month == 12), first.month % 12 + 1, last.day, name)
                    span = (last - first).days + 1
                    if total and int(total[1]) != span:
                        raise ValidationError(_t("%(item)s: %(first)s to %(last)s is %(span)s days, the text says "
                                                 "%(total)s.") % {"item": name, "first": first, "last": last,
                                                                 "span": span, "total": total[1]})
                    found = [first + timedelta(days=offset) for offset in range(span)] + found[2:]
                days.extend(AnnouncedDay(day, DayKind.HOLIDAY, name) for day in found)
            else:
                pending = clause if _DATE.search(clause) else ""
                continue
            pending = ""
            if found:
                month = found[-1].month
    if not days:
        raise ValidationError(_t("%(item)s: no 放假 or 上班 date found.") % {"item": name})
    return days


def parse(text: str, year: int | None = None) -> Announcement:
    """The holidays and adjusted workdays of an announcement; raises ValidationError naming the item that cannot
    be read. `year`: the announcement's year (default: read from its title, 关于2026年部分节假日安排的通知)."""
    text = _normalise(text)
    if year is None:
        match = _TITLE_YEAR.search(text)
        if not match:
            raise ValidationError({"year": _t("Give the year: the text has no title like "
                                              "关于2026年部分节假日安排的通知.")})
        year = int(match[1])
    if not 1900 <= int(year) <= 2200:
        raise ValidationError({"year": _t("Years must lie between 1900 and 2200.")})
    year = int(year)
    items = list(_ITEM.finditer(text))
    if not items:
        raise ValidationError({"text": _t("No numbered item like “一、元旦：1月1日放假” found in the text.")})
    days: dict[date, AnnouncedDay] = {}
    for item, following in zip(items, [*items[1:], None], strict=True):
        name = re.sub(r"\s+", "", item[1])
        body = text[item.end():following.start() if following else len(text)]
        for day in _item_days(name, body, year):
            other = days.get(day.date)
            if other and other.kind != day.kind:
                raise ValidationError(_t("%(date)s is both a holiday (%(one)s) and a workday (%(other)s).") % {
                    "date": day.date, "one": other.name, "other": day.name})
            days.setdefault(day.date, day)
    if not days:
        raise ValidationError({"text": _t("The text names no holiday or workday.")})
    return Announcement(year, sorted(days.values(), key=lambda d: d.date))


# ---- writing it into a calendar -------------------------------------------------------------

@dataclass
class ImportResult:
    year: int
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_manual: int = 0
    version: CalendarVersion | None = None

    def summary(self) -> str:
        return _t("Announcement for %(year)s: %(created)s added, %(updated)s updated, %(removed)s removed, "
                  "%(manual)s manual entries kept.") % {
            "year": self.year, "created": self.created, "updated": self.updated, "removed": self.removed,
            "manual": self.kept_manual}


ADD, UPDATE, KEEP, REMOVE, SAME = "add", "update", "keep", "remove", "same"


@dataclass(frozen=True)
class Step:
    """What applying an announcement does to one date: add, update, remove, keep (entered by hand) or same."""

    action: str
    date: date
    day: AnnouncedDay | None
    row: CalendarDay | None

    @property
    def action_label(self):
        return {ADD: _t("add"), UPDATE: _t("update"), REMOVE: _t("remove"),
                KEEP: _t("keep (entered by hand)"), SAME: _t("unchanged")}[self.action]


def plan(calendar: Calendar, announcement: Announcement) -> list[Step]:
    """The steps applying the announcement takes, by date (the preview page shows them; `apply` runs them).

    Rows seeded from the package or imported before are updated or removed; days entered by hand win."""
    announced = {d.date: d for d in announcement.days}
    years = {announcement.year} | {d.year for d in announced}
    existing = {d.date: d for d in calendar.days.filter(date__year__in=years)}
    steps = []
    for day, item in announced.items():
        row = existing.get(day)
        if row is None:
            action = ADD
        elif row.source == DaySource.MANUAL:
            action = KEEP
        elif (row.kind, row.name, row.source, row.hours) != (item.kind, item.name, DaySource.ANNOUNCEMENT, ""):
            action = UPDATE
        else:
            action = SAME
        steps.append(Step(action, day, item, row))
    for day, row in existing.items():
        if day.year == announcement.year and day not in announced:
            steps.append(Step(KEEP if row.source == DaySource.MANUAL else REMOVE, day, None, row))
    return sorted(steps, key=lambda step: step.date)


def apply(calendar: Calendar, announcement: Announcement, user, comment="") -> ImportResult:
    """Make the calendar's days of the announcement's year those announced (idempotent, see `plan`) and mark
    the year as having holiday data. Every row written goes through core.records (audited); one calendar
    version for the whole run."""
    if calendar.holiday_source == HolidaySource.NONE:
        raise ValidationError({"calendar": _t("This calendar observes no public holidays; change its public "
                                              "holidays setting first.")})
    year = announcement.year
    result = ImportResult(year=year)
    comment = comment or _t("Imported the State Council's announcement for %(year)s.") % {"year": year}
    with transaction.atomic():
        for step in plan(calendar, announcement):
            item, row = step.day, step.row
            if step.action == ADD:
                records.create(CalendarDay(calendar=calendar, date=step.date, kind=item.kind, name=item.name,
                                           source=DaySource.ANNOUNCEMENT), user, comment=comment)
                result.created += 1
            elif step.action == UPDATE:
                before = audit.snapshot(row)
                row.kind, row.name, row.source, row.hours = item.kind, item.name, DaySource.ANNOUNCEMENT, ""
                records.update(row, user, before, comment=comment)
                result.updated += 1
            elif step.action == REMOVE:
                records.delete(row, user, comment=comment)
                result.removed += 1
            elif step.action == KEEP and item is not None:
                result.kept_manual += 1
        if year not in (calendar.holiday_years or []):
            before = audit.snapshot(calendar)
            calendar.holiday_years = sorted({*(calendar.holiday_years or []), year})
            records.update(calendar, user, before, comment=comment)
        result.version = record_version(calendar, user, comment)
    return result


def import_text(calendar: Calendar, text: str, user, year: int | None = None) -> ImportResult:
    """Parse an announcement's text and apply it to the calendar (the page, the API and the command)."""
    return apply(calendar, parse(text, year), user)
