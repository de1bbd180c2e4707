"""A monthly report's raw service data and its figures worked out again from that data alone.

The extract is what the report was computed from, as stored: the contract's tickets (every version of the contract)
created in the month or whose response or resolution outcome was decided in it, with the clocks the SLA engine
stored on them, and the outages and announced maintenance windows touching the month (times in UTC, ISO 8601).
The recomputation reads the extract's CSV back (never the database) and counts it with servicedata.sla's own rules
(decided-in-month achievement, `Figure`, `availability_figures`), then sets each figure beside the one frozen in
the issued report: equal or different.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority
from core.businesstime import MISSING
from servicedata import sla
from servicedata.models import MaintenanceWindow, Outage, Ticket
from servicedata.sla.figures import _in_force, _window_clock  # the report's own clipping and service window
from servicedata.sla.rollup import MonthCounts

from .archive import csv_bytes

TICKET_COLUMNS = ("external_system", "external_id", "kind", "priority", "status", "category", "service",
                  "created", "first_response", "resolved", "closed", "response_seconds", "resolution_seconds",
                  "response_due", "resolution_due", "response_met", "resolution_met", "response_decided",
                  "resolution_decided", "sla_version", "calendar_version", "computed_at")
OUTAGE_COLUMNS = ("kind", "start", "end", "planned", "announced_at", "service", "description")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def month_of(report):
    zone = sla.contract_zone(report.contract)
    return zone, *sla.month_bounds(report.year, report.month, zone)


def ticket_extract(report) -> bytes:
    _zone, start, end = month_of(report)
    placed = Q()
    for column in ("created", "response_decided", "resolution_decided"):
        placed |= Q(**{f"{column}__gte": start, f"{column}__lt": end})
    tickets = Ticket.objects.filter(contract_id__in=sla.contract_ids(report.contract)).filter(placed) \
        .order_by("created", "external_system", "external_id")
    fields = [("service__code" if c == "service" else f"{c}_id" if c in ("sla_version", "calendar_version") else c)
              for c in TICKET_COLUMNS]
    return csv_bytes(TICKET_COLUMNS, ([_cell(v) for v in row] for row in
                                      tickets.values_list(*fields).iterator(chunk_size=2000)))


def outage_extract(report) -> bytes:
    _zone, start, end = month_of(report)
    pks = sla.contract_ids(report.contract)
    rows = [["outage", _cell(o.start), _cell(o.end), _cell(o.planned), _cell(o.announced_at),
             getattr(o.service, "code", ""), o.description]
            for o in Outage.objects.filter(contract_id__in=pks, start__lt=end, end__gt=start)
            .select_related("service").order_by("start", "end", "pk")]
    rows += [["maintenance", _cell(w.start), _cell(w.end), "", _cell(w.announced_at), "", w.description]
             for w in MaintenanceWindow.objects.filter(contract_id__in=pks, start__lt=end, end__gt=start)
             .order_by("start", "end", "pk")]
    return csv_bytes(OUTAGE_COLUMNS, rows)


# ---- the recomputation: from the extract's bytes only ------------------------------------------------------

def _rows(data: bytes):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _instant(text):
    return datetime.fromisoformat(text) if text else None


def _epochs(values):
    return np.array([MISSING if v is None else int(v.timestamp()) for v in values], dtype=np.int64)


def recompute(report, tickets_csv: bytes, outages_csv: bytes) -> dict:
    """The report's figures from its extract: {metric key: {figure: value}}, the keys and figures of its table."""
    zone, start, end = month_of(report)
    counts = MonthCounts()
    for row in _rows(tickets_csv):
        if start <= _instant(row["created"]) < end:
            counts.add("created", row["priority"], 1)
        for clock in ("response", "resolution"):
            decided = _instant(row[f"{clock}_decided"])
            if decided is not None and start <= decided < end:
                counts.add(clock, row["priority"], 1, int(row[f"{clock}_met"] == "true"))
    figures = {}
    targets = {row["key"]: row.get("target") for row in report.snapshot.get("table", [])}
    for clock in ("response", "resolution"):
        per_priority = [sla.Figure(p, *getattr(counts, clock).get(p, (0, 0)), targets.get(f"{clock}_{p}"))
                        for p in Priority.values]
        overall = sla.Figure("", sum(f.within for f in per_priority), sum(f.counted for f in per_priority))
        for figure in (*per_priority, overall):
            figures[f"{clock}_{figure.priority or 'all'}"] = {
                "within": figure.within, "counted": figure.counted, "actual": _round(figure.percent, 2),
                "met": figure.met}
    figures.update(_availability(report, zone, start, end, _rows(outages_csv), targets))
    limit = targets.get("volume")
    figures["volume"] = {"actual": counts.volume, "met": (counts.volume <= limit) if limit else None}
    figures["volume_by_priority"] = {p: n for p, n in sorted(counts.created.items()) if n}
    return figures


def _availability(report, zone, start, end, rows, targets):
    contract = report.contract
    tier = sla.sla_for(contract, (end - timedelta(seconds=1)).astimezone(zone).date())
    clock, _version = _window_clock(tier, start, end)
    outages = [r for r in rows if r["kind"] == "outage"]
    windows = [r for r in rows if r["kind"] == "maintenance" and r["announced_at"]
               and _instant(r["announced_at"]) <= _instant(r["start"])]
    arrays = (_epochs([_instant(r["start"]) for r in outages]), _epochs([_instant(r["end"]) for r in outages]),
              np.array([r["planned"] == "true" for r in outages], dtype=bool),
              _epochs([_instant(r["announced_at"]) for r in outages]),
              _epochs([_instant(r["start"]) for r in windows]), _epochs([_instant(r["end"]) for r in windows]))
    avail, stats = sla.availability_figures(clock, *_in_force(contract, zone, start, end), arrays)
    target = targets.get("availability")
    percent = avail.percent
    return {
        "availability": {"agreed_seconds": avail.agreed_seconds, "downtime_seconds": avail.downtime_seconds,
                         "excused_seconds": avail.excused_seconds, "actual": _round(percent, 3),
                         "met": None if percent is None or target is None else percent >= target},
        # MTTR and MTBF have no target: nothing is met or missed (None), as in the report.
        "mttr": {"outages": stats.outages, "outage_seconds": stats.outage_seconds, "actual": _round(stats.mttr, 0),
                 "met": None},
        "mtbf": {"outages": stats.outages, "actual": _round(stats.mtbf, 0), "met": None},
    }


def _round(value, digits):
    return None if value is None else round(float(value), digits)


def comparison(report, recomputed: dict) -> list[dict]:
    """Each figure of the issued report's table beside its recomputation: [{metric, figure, issued, recomputed,
    equal}], in the table's order; the month's volume per priority after it."""
    lines = []
    for row in report.snapshot.get("table", []):
        mine = recomputed.get(row["key"], {})
        for figure in (name for name in row if name in mine):
            lines.append({"metric": row["key"], "figure": figure, "issued": row[figure], "recomputed": mine[figure],
                          "equal": row[figure] == mine[figure]})
    issued = report.snapshot.get("metrics", {}).get("volume_by_priority", {})
    mine = recomputed["volume_by_priority"]
    for priority in sorted(set(issued) | set(mine)):
        lines.append({"metric": "volume_by_priority", "figure": priority, "issued": issued.get(priority, 0),
                      "recomputed": mine.get(priority, 0), "equal": issued.get(priority, 0) == mine.get(priority, 0)})
    return lines


FIGURES = {"within": _("within target"), "counted": _("counted"), "actual": _("value"), "met": _("target met"),
           "agreed_seconds": _("agreed service time (seconds)"),
           "downtime_seconds": _("unplanned downtime (seconds)"),
           "excused_seconds": _("excused downtime (seconds)"), "outages": _("outages"),
           "outage_seconds": _("outage time (seconds)")}


def metric_label(key):
    """A metric of the report's table as its reader names it ("Response achievement rate P1")."""
    from reporting.figures import metric_name

    if key == "volume_by_priority":
        return _t("Tickets created, by priority")
    kind, _sep, priority = key.partition("_")
    try:
        return metric_name({"kind": kind, "priority": "" if priority in ("", "all") else priority})
    except KeyError:
        return key


def _shown(value):
    if isinstance(value, bool):
        return _t("yes") if value else _t("no")
    return "" if value is None else value


def comparison_csv(lines) -> bytes:
    return csv_bytes([_t("Metric"), _t("Figure"), _t("Issued"), _t("Recomputed"), _t("Equal")],
                     ([metric_label(line["metric"]), str(FIGURES.get(line["figure"], line["figure"])),
                       _shown(line["issued"]), _shown(line["recomputed"]),
                       _t("equal") if line["equal"] else _t("different")] for line in lines))
