"""The proposal's fit check: does the draft SLA meet the requirement, and does the company have the staff?

Line by line, each draft SLA (a proposal line) is compared with the
service requirement:

- service window: the offered calendar covers the required one (the same
  calendar, an always-open one, or every required weekly shift inside the
  offered shifts; a requirement with no public holidays needs the same);
- availability: offered % >= required %;
- response / resolution per priority: offered business minutes <= required
  (a priority required but not offered does not meet);
- RTO / RPO: offered <= required (none offered does not meet);
- capacity: the line's limit (users, devices, tickets per month) >= what the
  customer needs (no limit meets).

Staff: the skills needed are the requirement's staff skills and the skill
requirements of every chosen tier (per skill and level the larger
headcount). Each is staffed from `StaffSkill` rows with that skill (same
name, case-insensitive) at that level or higher, giving out their free
capacity greedily, hardest skills first, asking first those who could cover
the fewest of the other needed skills: a person's free time is used once
(their free capacity is the largest stated on any of their skill rows).
A skill meets when the capacity given out reaches its headcount (100% per
head).

The result is a JSON snapshot (raw values; labels are rendered when shown)
stored on the proposal with the time and the digest of the content it
compared, so a stale result (content changed since) is recognised.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from catalog.choices import HolidaySource, SkillLevel
from catalog.models import SkillRequirement
from catalog.templatetags.catalog_tags import minutes as duration
from core import audit, records
from core import display as core_display

from .choices import FitItem
from .models import LEVEL_RANK, StaffSkill

SNAPSHOT_VERSION = 1
REQUIREMENT_FIELDS = ("service_window_id", "availability_percent", "rto_minutes", "rpo_minutes", "users", "devices",
                      "tickets_per_month")
LINE_FIELDS = ("tier_id", "service_window_id", "availability_target", "rto_minutes", "rpo_minutes",
               "max_tickets_per_month", "max_users", "max_devices")


# ---- what the check reads -------------------------------------------------------------------------

def content_digest(proposal) -> str:
    """SHA-256 of everything the fit check compares: the requirement's levels and rows, the lines' draft SLAs.

    Reads rows with .all(), so a list that prefetched them asks the database nothing more.
    """
    requirement = proposal.requirement
    data = {
        "requirement": [requirement.pk, {f: _plain(getattr(requirement, f)) for f in REQUIREMENT_FIELDS}],
        "requirement_targets": sorted([t.priority, t.response_minutes, t.resolution_minutes]
                                      for t in requirement.priority_targets.all()),
        "requirement_skills": sorted([s.skill, s.level, s.headcount] for s in requirement.skills.all()),
        "lines": sorted([line.pk, {f: _plain(getattr(line, f)) for f in LINE_FIELDS},
                         sorted([t.priority, t.response_minutes, t.resolution_minutes, _plain(t.target_percent)]
                                for t in line.priority_targets.all())]
                        for line in proposal.lines.all()),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _number(value):
    return float(value) if value is not None else None


# ---- comparisons ------------------------------------------------------------------------------

def _row(item, required, offered, meets, priority="", unit=""):
    return {"item": item, "priority": priority, "required": required, "offered": offered, "meets": bool(meets),
            "unit": unit}


def _shifts(calendar):
    spans = {}
    for hours in calendar.working_hours.all():
        spans.setdefault(hours.weekday, []).append(hours.span())
    return {day: sorted(s) for day, s in spans.items()}


def _covered(needed, offered) -> bool:
    """Every (start, end) minute span of `needed` lies inside the union of `offered` spans, per weekday."""
    for day, spans in needed.items():
        merged = []
        for start, end in offered.get(day, []):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in spans:
            if not any(m_start <= start and end <= m_end for m_start, m_end in merged):
                return False
    return True


def window_meets(required, offered) -> bool:
    if required.pk == offered.pk or (offered.always_open and not offered.closed_on_holidays):
        return True
    if offered.always_open:  # 7x24 closed on public holidays: meets anything else that observes public holidays
        return (not required.always_open or required.closed_on_holidays) and \
            required.holiday_source != HolidaySource.NONE
    if required.always_open:
        return False
    if required.holiday_source == HolidaySource.NONE and offered.holiday_source != HolidaySource.NONE:
        return False
    return _covered(_shifts(required), _shifts(offered))


def _at_most(item, required, offered, priority="", unit="minutes"):
    """Offered must not exceed required (times: faster or equal meets)."""
    return _row(item, required, offered, offered is not None and offered <= required, priority, unit)


def _at_least(item, required, offered, unit="count"):
    """A limit must reach what is needed; no limit (None) meets."""
    return _row(item, required, offered, offered is None or offered >= required, unit=unit)


def line_rows(requirement, line, required_targets):
    rows = []
    if requirement.service_window_id:
        rows.append(_row(FitItem.SERVICE_WINDOW, requirement.service_window.name, line.service_window.name,
                         window_meets(requirement.service_window, line.service_window), unit="window"))
    if requirement.availability_percent is not None:
        rows.append(_row(FitItem.AVAILABILITY, _number(requirement.availability_percent),
                         _number(line.availability_target),
                         line.availability_target is not None
                         and line.availability_target >= requirement.availability_percent, unit="percent"))
    offered = {t.priority: t for t in line.priority_targets.all()}
    for target in required_targets:
        mine = offered.get(target.priority)
        rows.append(_at_most(FitItem.RESPONSE, target.response_minutes, mine.response_minutes if mine else None,
                             target.priority))
        rows.append(_at_most(FitItem.RESOLUTION, target.resolution_minutes, mine.resolution_minutes if mine else None,
                             target.priority))
    for item, needed, have in ((FitItem.RTO, requirement.rto_minutes, line.rto_minutes),
                               (FitItem.RPO, requirement.rpo_minutes, line.rpo_minutes)):
        if needed is not None:
            rows.append(_at_most(item, needed, have))
    for item, needed, limit in ((FitItem.USERS, requirement.users, line.max_users),
                                (FitItem.DEVICES, requirement.devices, line.max_devices),
                                (FitItem.TICKETS, requirement.tickets_per_month, line.max_tickets_per_month)):
        if needed is not None:
            rows.append(_at_least(item, needed, limit))
    return rows


@dataclass
class Need:
    skill: str
    level: str
    headcount: int
    sources: set


def skills_needed(requirement, lines) -> list[Need]:
    needs: dict[tuple, Need] = {}

    def add(skill, level, headcount, source):
        key = (skill.strip().casefold(), level)
        need = needs.get(key)
        if need is None:
            needs[key] = Need(skill.strip(), level, headcount, {source})
        else:
            need.headcount = max(need.headcount, headcount)
            need.sources.add(source)

    for row in requirement.skills.all():
        add(row.skill, row.level, row.headcount, "requirement")
    tier_ids = [line.tier_id for line in lines]
    for row in SkillRequirement.objects.filter(tier_id__in=tier_ids):
        add(row.skill, row.level, row.headcount, "tier")
    return sorted(needs.values(), key=lambda n: (-LEVEL_RANK.get(n.level, 0), n.skill.casefold()))


def staff_rows(needs):
    """Give out free capacity, hardest skills first; each person's free time is used once."""
    by_skill: dict[str, list] = {}
    remaining: dict[int, float] = {}  # a person's free capacity: the largest stated on any of their rows
    for row in StaffSkill.objects.filter(user__is_active=True).select_related("user"):
        by_skill.setdefault(row.skill.strip().casefold(), []).append(row)
        remaining[row.user_id] = max(remaining.get(row.user_id, 0.0), float(row.free_capacity_percent))
    qualified = {id(need): [s for s in by_skill.get(need.skill.casefold(), []) if s.covers(need.level)]
                 for need in needs}
    # How many of the needed skills each person could cover: the more versatile are asked last.
    versatility: dict[int, int] = {}
    for rows in qualified.values():
        for user_id in {s.user_id for s in rows}:
            versatility[user_id] = versatility.get(user_id, 0) + 1
    result = []
    for need in needs:
        wanted = need.headcount * 100.0
        given = []
        candidates = qualified[id(need)]
        candidates.sort(key=lambda s: (versatility[s.user_id], -remaining[s.user_id], s.user.username))
        for s in candidates:
            if wanted <= 0:
                break
            share = min(remaining[s.user_id], wanted)
            if share <= 0:
                continue
            remaining[s.user_id] -= share
            wanted -= share
            given.append({"user": s.user_id, "name": str(s.user), "level": s.level, "percent": round(share, 1)})
        available = round(sum(g["percent"] for g in given) / 100.0, 2)
        result.append({"skill": need.skill, "level": need.level, "needed": need.headcount, "available": available,
                       "staff": given, "sources": sorted(need.sources), "meets": available >= need.headcount})
    return result


def compute(proposal) -> dict:
    requirement = proposal.requirement
    required_targets = list(requirement.priority_targets.all())
    lines = list(proposal.lines.select_related("tier", "service", "service_window")
                 .prefetch_related("priority_targets").order_by("pk"))
    line_results = [{"line": line.pk, "service": line.service.name, "tier": line.tier.name,
                     "tier_number": line.tier.number, "rows": line_rows(requirement, line, required_targets)}
                    for line in lines]
    staff = staff_rows(skills_needed(requirement, lines))
    misses = sum(not r["meets"] for lr in line_results for r in lr["rows"]) + sum(not s["meets"] for s in staff)
    return {"version": SNAPSHOT_VERSION, "requirement": requirement.number, "lines": line_results, "staff": staff,
            "misses": misses, "meets": misses == 0 and bool(lines)}


def run(proposal, user):
    """Compute the fit check and keep it on the proposal (an audited edit; only while it may be edited)."""
    result = compute(proposal)
    before = audit.snapshot(proposal)
    proposal.fit_check = result
    proposal.fit_checked_at = timezone.now()
    proposal.fit_check_digest = content_digest(proposal)
    records.update(proposal, user, before, comment=core_display.message(gettext_noop("Fit check: %(n)s not met."),
                                                                       n=result["misses"]))
    return proposal


# ---- display -------------------------------------------------------------------------------------

def _show(value, unit):
    if value is None:
        return _t("none") if unit == "minutes" else _t("no limit") if unit == "count" else "—"
    if unit == "percent":
        return f"{value:g} %"
    if unit == "minutes":
        return duration(value)
    return str(value)


def display(snapshot) -> dict:
    """The stored snapshot with labels in the current language, for pages and exports."""
    if not snapshot:
        return {}
    labels = dict(FitItem.choices)
    levels = dict(SkillLevel.choices)
    lines = []
    for line in snapshot.get("lines", []):
        rows = []
        for row in line["rows"]:
            label = str(labels.get(row["item"], row["item"]))
            if row.get("priority"):
                label = f"{label} {row['priority']}"
            rows.append({"label": label, "required": _show(row["required"], row["unit"]),
                         "offered": _show(row["offered"], row["unit"]), "meets": row["meets"], "item": row["item"],
                         "priority": row.get("priority", "")})
        lines.append({**line, "rows": rows})
    staff = [{**s, "level_label": str(levels.get(s["level"], s["level"])),
              "staff_text": ", ".join(f"{g['name']} ({g['percent']:g}%)" for g in s["staff"]) or "—"}
             for s in snapshot.get("staff", [])]
    return {"lines": lines, "staff": staff, "misses": snapshot.get("misses", 0), "meets": snapshot.get("meets")}
