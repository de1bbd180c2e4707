"""The frozen figures of a monthly service report, computed once from the SLA engine (servicedata.sla).

`build_snapshot()` returns plain JSON: the metric table (指标名称 | 服务标准 | 实际值 | 指标状态 | 备注) as
language-neutral rows (names and remarks are rendered in the reader's language by `format_row`), volume
and categories with month-on-month and the 12-month trend, major incidents and problem trends. The
snapshot is stored in the report, so later changes to tickets never change a generated report.
"""

from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext

from catalog.choices import Priority
from core import report_sections
from servicedata import sla
from servicedata.models import Outage, Ticket

from .choices import Metric

SNAPSHOT_VERSION = 1


def _round(value, digits=2):
    return None if value is None else round(float(value), digits)


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _figure_row(kind, figure, target_seconds):
    key = f"{kind}_{figure.priority or 'all'}"
    return {"key": key, "kind": kind, "priority": figure.priority, "target": figure.target_percent,
            "target_minutes": target_seconds // 60 if target_seconds else None,
            "actual": _round(figure.percent), "within": figure.within, "counted": figure.counted,
            "met": figure.met}


def metric_table(metrics, targets, profile=None):
    """The core table rows from a PeriodMetrics (JSON-ready)."""
    shows = profile.shows if profile is not None else (lambda m: True)
    rows = []
    for kind, figures, overall, attr in (("response", metrics.response, metrics.response_overall,
                                          "response_seconds"),
                                         ("resolution", metrics.resolution, metrics.resolution_overall,
                                          "resolution_seconds")):
        if not shows(kind):
            continue
        for figure in figures:
            target = targets.get(figure.priority)
            rows.append(_figure_row(kind, figure, getattr(target, attr, None)))
        rows.append(_figure_row(kind, overall, None))
    if shows(Metric.AVAILABILITY):
        rows.append({"key": "availability", "kind": "availability", "target": metrics.availability_target,
                     "actual": _round(metrics.availability_percent, 3), "met": metrics.availability_met,
                     "agreed_seconds": metrics.agreed_seconds, "downtime_seconds": metrics.downtime_seconds,
                     "excused_seconds": metrics.excused_seconds})
    if shows(Metric.MTTR):
        rows.append({"key": "mttr", "kind": "mttr", "target": None, "actual": _round(metrics.mttr_seconds, 0),
                     "met": None, "outages": metrics.outages, "outage_seconds": metrics.outage_seconds})
    if shows(Metric.MTBF):
        rows.append({"key": "mtbf", "kind": "mtbf", "target": None, "actual": _round(metrics.mtbf_seconds, 0),
                     "met": None, "outages": metrics.outages})
    if shows(Metric.VOLUME):
        rows.append({"key": "volume", "kind": "volume", "target": metrics.capacity_limit, "actual": metrics.volume,
                     "met": (not metrics.over_capacity) if metrics.capacity_limit else None,
                     "capacity_percent": _round(metrics.capacity_percent)})
    return rows


def _categories(tickets, start, end):
    return dict(tickets.filter(created__gte=start, created__lt=end).values_list("category")
                .annotate(n=Count("pk")).order_by())


def build_snapshot(contract, year, month, profile=None, progress=lambda percent: None):
    progress(5)
    zone = sla.contract_zone(contract)
    metrics = sla.period_metrics(contract, year, month)
    tier = contract.tier_in_force()
    targets = tier.targets()
    progress(35)
    start, end = sla.month_bounds(year, month, zone)
    prev_start, prev_end = sla.month_bounds(*previous_month(year, month), zone)
    tickets = Ticket.objects.filter(contract_id__in=sla.contract_ids(contract))
    previous_metrics = sla.period_metrics(contract, *previous_month(year, month))
    trend = sla.monthly_trend(contract, year, month, months=12)
    progress(65)
    current, previous = _categories(tickets, start, end), _categories(tickets, prev_start, prev_end)
    # Every category, the uncategorised ones under "" (shown as 未分类/Uncategorised in the reader's language),
    # so the table adds up to the month's tickets.
    categories = [{"category": name or "", "count": current.get(name, 0), "previous": previous.get(name, 0)}
                  for name in sorted(set(current) | set(previous), key=lambda c: (-current.get(c, 0), c or ""))]
    major = [{"id": t.external_id, "summary": t.summary, "category": t.category or "",
              "created": t.created.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
              "resolved": t.resolved.astimezone(zone).strftime("%Y-%m-%d %H:%M") if t.resolved else "",
              "resolution_met": t.resolution_met}
             for t in tickets.filter(priority=Priority.P1, created__gte=start, created__lt=end).order_by("created")]
    outages = [{"start": o.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "end": o.end.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "minutes": round((o.end - o.start).total_seconds() / 60), "planned": o.planned,
                "description": o.description}
               for o in Outage.objects.filter(contract_id__in=sla.contract_ids(contract), start__lt=end,
                                              end__gt=start).order_by("start")]
    progress(80)
    problem_months = sla.last_months(year, month, 6)
    first, _ = sla.month_bounds(*problem_months[0], zone)
    by_category = defaultdict(Counter)
    for created, category in tickets.filter(created__gte=first, created__lt=end).values_list("created", "category"):
        local = created.astimezone(zone)
        by_category[category or ""][(local.year, local.month)] += 1
    ranked = sorted(by_category, key=lambda c: (not c, -sum(by_category[c].values()), c))  # uncategorised last
    problems = {"months": [f"{y}-{m:02d}" for y, m in problem_months],
                "series": [{"category": c, "counts": [by_category[c][ym] for ym in problem_months]} for c in ranked]}
    progress(95)
    return {
        "version": SNAPSHOT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "contract": {"id": contract.pk, "number": contract.number, "title": contract.title,
                     "customer": str(contract.customer)},
        "period": {"year": year, "month": month, "label": f"{year}-{month:02d}",
                   "start": start.isoformat(), "end": end.isoformat()},
        "tier": {"id": tier.pk, "name": str(tier)},
        "metrics": metrics.as_dict(),
        "table": metric_table(metrics, targets, profile),
        "volume": {"current": metrics.volume, "previous": previous_metrics.volume,
                   "by_priority": metrics.volume_by_priority, "capacity": metrics.capacity_limit},
        "categories": categories,
        # A month without service data is a gap (None), never a plotted 0 or 100 %.
        "trend": [{"label": p.label, "response": _round(p.response_percent), "resolution": _round(p.resolution_percent),
                   "availability": _round(p.availability_percent, 3), "volume": p.volume if p.has_data else None}
                  for p in trend],
        "major_incidents": major,
        "outages": outages,
        "problems": problems,
        "warnings": list(metrics.warnings),
        "all_met": metrics.all_met,
        # What later stages know of the contract's month (problems, improvements), frozen with the figures.
        "sections": report_sections.sections(report_sections.MONTHLY,
                                             report_sections.Scope((contract,), start, end)),
    }


# ---- display (in the active language) --------------------------------------------------------

def _minutes(seconds):
    return None if seconds is None else seconds / 60


def metric_name(row):
    kind, priority = row["kind"], row.get("priority") or ""
    if kind == "response":
        return (_t("Response achievement rate %(p)s") % {"p": priority} if priority
                else _t("Response achievement rate (overall)"))
    if kind == "resolution":
        return (_t("Resolution achievement rate %(p)s") % {"p": priority} if priority
                else _t("Resolution achievement rate (overall)"))
    return {"availability": _t("Service availability rate"), "mttr": _t("MTTR (mean time to restore)"),
            "mtbf": _t("MTBF (mean time between failures)"), "volume": _t("Ticket volume vs capacity")}[kind]


def _percent(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}%"


def format_row(row):
    """(指标名称, 服务标准, 实际值, 指标状态, 备注) of one table row, in the active language."""
    kind, target, actual = row["kind"], row.get("target"), row.get("actual")
    if kind in ("response", "resolution"):
        standard = (_t("≥ %(t)s%% within %(m)s business minutes") % {"t": f"{target:g}", "m": row["target_minutes"]}
                    if target is not None and row.get("target_minutes") else "—")
        value = _percent(actual)
        remark = _t("%(within)s of %(counted)s tickets within target") % row
    elif kind == "availability":
        standard = "—" if target is None else f"≥ {target:g}%"
        value = _percent(actual, 3)
        remark = _t("Unplanned downtime %(down)s min; excused maintenance %(excused)s min") % {
            "down": round(row["downtime_seconds"] / 60), "excused": round(row["excused_seconds"] / 60)}
    elif kind in ("mttr", "mtbf"):
        standard = "—"
        value = "—" if actual is None else _t("%(v)s min") % {"v": f"{actual / 60:.1f}"}
        remark = _t("%(n)s outages") % {"n": row["outages"]}
    else:
        standard = "—" if target is None else _t("≤ %(n)s tickets/month") % {"n": target}
        value = _t("%(n)s tickets") % {"n": actual}
        remark = "" if row.get("capacity_percent") is None else _t("%(p)s of capacity") % {
            "p": _percent(row["capacity_percent"], 1)}
    return metric_name(row), standard, value, status_label(row.get("met")), remark


def status_label(met):
    if met is None:
        return pgettext("metric status", "No target")
    return pgettext("metric status", "Met") if met else pgettext("metric status", "Missed")


def table_columns():
    return [pgettext("metric table", "Metric"), pgettext("metric table", "Service standard"),
            pgettext("metric table", "Actual"), pgettext("metric table", "Status"),
            pgettext("metric table", "Remark")]


def month_on_month(current, previous):
    if not previous:
        return None
    return round(100.0 * (current - previous) / previous, 1)


# ---- tables and chart scales that add up and fit (web page, PDF/DOCX and XLSX alike) -----------------

def category_label(name):
    """A ticket category as shown: tickets without one are counted under 未分类/Uncategorised."""
    return name if name and name != "—" else _t("Uncategorised")


def category_rows(categories):
    """[category, this month, previous month] per category, then the total (= the month's tickets)."""
    rows = [[category_label(c["category"]), c["count"], c["previous"]] for c in categories]
    rows.append([_t("Total"), sum(c["count"] for c in categories), sum(c["previous"] for c in categories)])
    return rows


def problem_rows(problems):
    """[category, count per month...] for every category, then the total per month (= the tickets created)."""
    series = problems.get("series", [])
    rows = [[category_label(s["category"]), *s["counts"]] for s in series]
    totals = [sum(column) for column in zip(*(s["counts"] for s in series), strict=True)] if series \
        else [0] * len(problems.get("months", []))
    rows.append([_t("Total"), *totals])
    return rows


percent_axis_floor = sla.percent_axis_floor  # charts of the report and of the SLA dashboard alike
