"""The project summary report as tables and charts in the reader's language: the record page and the PDF/DOCX
body (`summary_sections`) read the same tables from the frozen snapshot, so what is approved is what is printed.

Charts are the monthly report's (reporting.exports: matplotlib with the shipped CJK font); a month without
service data is a gap, never 0 or 100 %.
"""

from decimal import Decimal

from django.utils.translation import gettext as _t
from django.utils.translation import pgettext

from core import report_sections
from core.exports import Image, Section, Table
from projects.choices import ChangeKind, ChangeStatus, ObjectiveMetric, TaskState
from reporting.exports import priority_chart, trend_chart
from reporting.figures import category_label, percent_axis_floor

from ..choices import LessonKind

NONE = "—"


def _pct(value, digits=2):
    return NONE if value is None else f"{value:.{digits}f}%"


def _status(met):
    if met is None:
        return pgettext("metric status", "No target")
    return pgettext("metric status", "Met") if met else pgettext("metric status", "Missed")


def _choice(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or NONE


def _minutes(seconds):
    """A duration as read: minutes up to two hours, hours up to three days, then days (MTBF runs to weeks)."""
    if seconds is None:
        return NONE
    if seconds < 2 * 3600:
        return _t("%(v)s min") % {"v": f"{seconds / 60:.1f}"}
    if seconds < 3 * 86400:
        return _t("%(v)s hours") % {"v": f"{seconds / 3600:.1f}"}
    return _t("%(v)s days") % {"v": f"{seconds / 86400:.1f}"}


def _days(value):
    if value is None:
        return NONE
    return f"{value:+d}" if value else "0"


# ---- tables (page and document alike) ---------------------------------------------------------------

def objectives_table(data):
    rows = []
    for row in data["objectives"]["rows"]:
        if row["result"] is None:
            result = _t("not measured by the data") if not row["measurable"] else _t("no data")
        elif row["unit"] == "%":
            result = _pct(row["result"])
        else:
            result = _t("%(v)s points") % {"v": f"{row['result']:g}"}
        name = row["objective"] + (f" ({row['priority']})" if row.get("priority") else "")
        if not row["measurable"]:
            status = _t("see commentary")
        elif row["result"] is None:
            status = _t("no data")  # not measured: neither met nor missed
        else:
            status = _status(row["met"])
        rows.append([name, _choice(ObjectiveMetric, row["metric"]), row["target"], result, status])
    return Table([_t("Quality objective"), _t("Metric"), _t("Target"), _t("Result"), _t("Status")], rows,
                 caption=_t("Quality objectives against results"))


def tasks_table(data):
    rows = [[r["wbs"], r["name"], r["planned_start"], r["planned_end"], r["actual_start"] or NONE,
             r["actual_end"] or NONE, _days(r["finish_variance"]),
             _choice(TaskState, r["state"]) + (f" ({r['note']})" if r["state"] == TaskState.CANCELLED and r["note"]
                                               else "") + (" · " + _t("overdue") if r["overdue"] else "")]
            for r in data["scope"]["tasks"]]
    return Table([_t("WBS"), _t("Task"), _t("Planned start"), _t("Planned end"), _t("Actual start"),
                  _t("Actual end"), _t("Variance (days)"), _t("Status")], rows,
                 caption=_t("Baseline work plan: planned against actual"))


def milestones_table(data):
    return Table([_t("Milestone"), _t("Due date"), _t("Deliverable")],
                 [[m["name"], m["due"], m["deliverable"] or NONE] for m in data["scope"]["milestones"]],
                 caption=_t("Milestones of the project plan"))


def priority_table(data):
    s = data["sla"]
    rows = []
    for row in [*s["priorities"], {"priority": "", **s["overall"]}]:
        cells = [row["priority"] or _t("Overall")]
        for clock in ("response", "resolution"):
            figure = row[clock]
            cells += [_pct(figure["percent"]), f"{figure['within']}/{figure['counted']}",
                      NONE if figure["target"] is None else f"≥ {figure['target']:g}%",
                      _status(figure["met"]) if row["priority"] else NONE]
        rows.append(cells)
    return Table([_t("Priority"), _t("Response achievement"), _t("Within / counted"), _t("Target"), _t("Status"),
                  _t("Resolution achievement"), _t("Within / counted"), _t("Target"), _t("Status")], rows,
                 caption=_t("SLA achievement per priority over the contract period"))


def months_table(data):
    rows = []
    for m in data["sla"]["months"]:
        if not m["measured"]:
            rows.append([m["label"], _t("not yet measured"), NONE, NONE, NONE, NONE])
        elif not m["has_data"]:
            rows.append([m["label"], _t("no service data"), NONE, NONE, NONE, NONE])
        else:
            rows.append([m["label"], _pct(m["response"]["percent"]), _pct(m["resolution"]["percent"]),
                         _pct(m["availability"], 3), m["volume"], _status(m["met"])])
    return Table([_t("Month"), _t("Response achievement"), _t("Resolution achievement"), _t("Availability"),
                  _t("Tickets"), _t("All targets")], rows, caption=_t("SLA achievement per month"))


def availability_lines(data):
    s, a = data["sla"], data["sla"]["availability"]
    o = s["outages"]
    lines = [_t("Availability over the %(n)s months with service data (of %(m)s months measured): %(a)s "
                "against a target of %(t)s: %(status)s.")
             % {"n": s["data_months"], "m": s["measured_months"], "a": _pct(a["actual"], 3),
                "t": NONE if a["target"] is None else f"≥ {a['target']:g}%", "status": _status(a["met"])},
             _t("Unplanned downtime %(down)s min; excused maintenance %(excused)s min.")
             % {"down": round(a["downtime_seconds"] / 60), "excused": round(a["excused_seconds"] / 60)},
             _t("%(n)s outages; MTTR %(mttr)s; MTBF %(mtbf)s.") % {"n": o["count"], "mttr": _minutes(o["mttr_seconds"]),
                                                                 "mtbf": _minutes(o["mtbf_seconds"])}]
    if s["missed_months"]:
        lines.append(_t("Months with a missed target: %(months)s.") % {"months": ", ".join(s["missed_months"])})
    return lines


def major_tables(data):
    service = data["service"]
    tables = []
    if service["major_incidents"]["rows"]:
        tables.append(Table([_t("Ticket"), _t("Summary"), _t("Created"), _t("Resolved"), _t("Within target")],
                            [[i["id"], i["summary"], i["created"], i["resolved"] or NONE, i["resolution_met"]]
                             for i in service["major_incidents"]["rows"]], caption=_t("P1 tickets")))
    if service["outage_list"]["rows"]:
        tables.append(Table([_t("Start"), _t("End"), pgettext("outage", "Minutes"), pgettext("outage", "Planned"),
                             _t("Description")],
                            [[o["start"], o["end"], o["minutes"], o["planned"], o["description"]]
                             for o in service["outage_list"]["rows"]], caption=_t("Outages")))
    return tables


def category_table(data):
    categories = data["service"]["categories"]
    rows = [[category_label(c["category"]), c["count"]] for c in categories]
    rows.append([_t("Total"), sum(c["count"] for c in categories)])
    return Table([_t("Category"), _t("Tickets")], rows, caption=_t("Tickets by category over the period"))


def changes_table(data):
    return Table([_t("Number"), _t("Change"), _t("What changes"), _t("Status"), _t("Decided"), _t("Reason")],
                 [[c["number"], c["title"], _choice(ChangeKind, c["kind"]), _choice(ChangeStatus, c["status"]),
                   c["decided"] or NONE, c["reason"]] for c in data["changes"]["rows"]],
                 caption=_t("Work plan change requests"))


def satisfaction_lines(data):
    survey = data["satisfaction"]
    if not survey.get("recorded"):
        return [_t("Customer satisfaction surveys are not recorded in ServPlan for this period.")]
    if not survey.get("count"):
        return [_t("No survey answer was received over the contract period.")]
    return [_t("%(n)s survey answers; average score %(avg)s of 5 (%(points)s points of 100).")
            % {"n": survey["count"], "avg": f"{survey['average']:.2f}", "points": f"{survey['points']:g}"}]


def satisfaction_table(data):
    months = [m for m in (data["satisfaction"] or {}).get("by_month") or [] if m["count"]]  # months answered
    if not months:
        return None
    return Table([_t("Month"), _t("Answers"), _t("Average score")],
                 [[f"{m['year']}-{m['month']:02d}", m["count"],
                   NONE if m.get("average") is None else f"{m['average']:.2f}"] for m in months],
                 caption=_t("Satisfaction per month"))


def cost_table(data):
    cost = data["cost"]
    not_recorded = _t("not recorded in ServPlan")

    def money(value):
        return not_recorded if value is None else f"{Decimal(value):,.2f} CNY"

    hours = cost["planned_effort_hours"]
    return Table([_t("Item"), _t("Value")], [
        [_t("Contract value"), money(cost["contract_value"])],
        [_t("Approved budget") + (f" ({cost['budget_source']})" if cost["budget_source"] else ""),
         money(cost["budget"])],
        [_t("Budget of the initiation plan"), money(cost["plan_budget"])],
        [_t("Planned effort (baseline work plan)"), not_recorded if hours is None else _t("%(h)s hours")
         % {"h": f"{hours:g}"}],
        [_t("Actual cost"), money(cost["actual_cost"])],
        [_t("Actual effort"), not_recorded],
    ], caption=_t("Cost against budget"))


def lessons_table(report):
    lessons = list(report.lessons.all())
    if not lessons:
        return None
    return Table([_t("Kind"), _t("Lesson"), _t("Recommendation")],
                 [[_choice(LessonKind, lesson.kind), lesson.description, lesson.recommendation or NONE]
                  for lesson in lessons], caption=_t("Lessons learned"))


def period_line(data):
    period = data["period"]
    line = _t("Project %(p)s; contract %(c)s (%(cu)s), %(s)s to %(e)s.") % {
        "p": f"{data['project']['code']} {data['project']['name']}", "c": data["contract"]["number"],
        "cu": data["contract"]["customer"], "s": data["contract"]["start"], "e": data["contract"]["end"]}
    if not period["complete"]:
        line += " " + _t("The contract runs until %(e)s: figures are measured up to %(d)s.") % {
            "e": data["contract"]["end"], "d": period["measured_to"]}
    return line


def scope_lines(data):
    scope = data["scope"]
    if not scope["baseline"]:
        return [_t("The project has no approved work plan (baseline).")]
    c = scope["counts"]
    lines = [_t("Baseline %(n)s V%(v)s: %(t)s tasks, %(d)s done (%(on)s on time, %(late)s late, at most %(max)s days), "
                "%(x)s cancelled, %(o)s open (%(due)s past their planned end).")
             % {"n": scope["baseline"], "v": scope["baseline_version"], "t": c["tasks"], "d": c["done"],
                "on": c["on_time"], "late": c["late"], "max": c["max_delay_days"], "x": c["cancelled"], "o": c["open"],
                "due": c["overdue"]}]
    first = scope.get("first_baseline")
    if first and first["version"] != scope["baseline_version"] and first["planned_end"] != scope["planned_end"]:
        lines.append(_t("Planned end moved from %(a)s (V%(va)s) to %(b)s (V%(vb)s) through approved changes.")
                     % {"a": first["planned_end"], "va": first["version"], "b": scope["planned_end"],
                        "vb": scope["baseline_version"]})
    return lines


# ---- charts ------------------------------------------------------------------------------------------

def priority_rows(data):
    """The per-priority figures in the monthly report's table shape, for its priority chart."""
    return [{"kind": clock, "priority": row["priority"], "actual": row[clock]["percent"],
             "target": row[clock]["target"]}
            for row in data["sla"]["priorities"] for clock in ("response", "resolution")]


def chart_data(data):
    """The page's charts (json_script #report-chart-data, drawn by the monthly report's script): titles and units in
    the reader's language; None where a month has no data or is not measured yet."""
    priorities = [row["priority"] for row in data["sla"]["priorities"]]
    response = [row["response"]["percent"] for row in data["sla"]["priorities"]]
    resolution = [row["resolution"]["percent"] for row in data["sla"]["priorities"]]
    targets = [row["response"]["target"] for row in data["sla"]["priorities"]]
    trend = data["sla"]["trend"]
    availability_target = data["sla"]["availability"]["target"]
    return {
        "labels": {"response": _t("Response achievement"), "resolution": _t("Resolution achievement"),
                   "target": _t("Target"), "availability": _t("Availability"), "volume": _t("Tickets"),
                   "this_month": "", "previous": "", "availability_target": _t("Availability target"),
                   "percent": "%", "count": _t("Tickets (count)"), "no_data": _t("no data")},
        "titles": {"priority": _t("Achievement per priority over the contract period (%)"), "categories": "",
                   "trend": _t("SLA achievement per month (%, tickets)")},
        "priorities": priorities, "response": response, "resolution": resolution, "targets": targets,
        "priority_floor": percent_axis_floor([*response, *resolution, *targets]),
        "trend": {"labels": [p["label"] for p in trend], "response": [p["response"] for p in trend],
                  "resolution": [p["resolution"] for p in trend], "availability": [p["availability"] for p in trend],
                  "volume": [p["volume"] for p in trend], "availability_target": availability_target,
                  "floor": percent_axis_floor([*(p[k] for p in trend for k in ("response", "resolution",
                                                                                "availability")),
                                               availability_target])},
        "categories": {"names": [], "count": [], "previous": []},
    }


# ---- the document body -----------------------------------------------------------------------------

def summary_sections(report, language):
    data = report.snapshot or {}
    if not data:
        return [Section(_t("Figures"), [_t("The figures have not been generated yet.")])]
    objectives = data["objectives"]
    sections = [Section(_t("Overview"), [period_line(data), report.conclusion or NONE])]
    sections.append(Section(_t("Objectives and quality objectives against results"), [
        *([_t("Objectives (initiation plan %(n)s): %(o)s") % {"n": objectives["initiation_plan"],
                                                               "o": objectives["statement"]}]
          if objectives["statement"] else []),
        _t("%(met)s objectives met, %(missed)s missed, %(nm)s not measured by the data.")
        % {"met": objectives["met"], "missed": objectives["missed"], "nm": objectives["not_measured"]},
        report.objectives_commentary], tables=[objectives_table(data)] if objectives["rows"] else []))
    sections.append(Section(_t("Scope delivered against the baseline work plan"),
                            [*scope_lines(data), report.delivery_commentary],
                            tables=[t for t in (tasks_table(data) if data["scope"]["tasks"] else None,
                                                milestones_table(data) if data["scope"]["milestones"] else None)
                                    if t is not None]))
    sla_data = data["sla"]
    sections.append(Section(_t("SLA achievement over the contract period"),
                            [_t("Measured against %(tier)s.") % {"tier": sla_data["tier"]}, *sla_data["warnings"]],
                            tables=[priority_table(data), months_table(data)],
                            images=[Image(priority_chart(priority_rows(data)), _t("Achievement per priority")),
                                    Image(trend_chart(sla_data["trend"], sla_data["availability"]["target"],
                                                      title=_t("SLA achievement per month")),
                                          _t("SLA achievement per month"))]))
    service = data["service"]
    sections.append(Section(_t("Availability and major incidents"), [
        *availability_lines(data),
        _t("%(n)s P1 tickets, %(m)s resolved within target; %(o)s outages (%(u)s unplanned).")
        % {"n": service["major_incidents"]["count"], "m": service["major_incidents"]["met"],
           "o": service["outage_list"]["count"], "u": service["outage_list"]["unplanned"]}],
        tables=[*major_tables(data), category_table(data)]))
    changes = data["changes"]
    sections.append(Section(_t("Changes made"), [] if changes["rows"] else [_t("No work plan change was requested.")],
                            tables=[changes_table(data)] if changes["rows"] else []))
    sections += report_sections.export_sections(data)
    survey_table = satisfaction_table(data)
    sections.append(Section(_t("Customer satisfaction"), satisfaction_lines(data),
                            tables=[survey_table] if survey_table else []))
    sections.append(Section(_t("Cost against budget"), [report.cost_commentary] if report.cost_commentary else [],
                            tables=[cost_table(data)]))
    lessons = lessons_table(report)
    sections.append(Section(_t("Lessons learned"), [] if lessons else [_t("None recorded.")],
                            tables=[lessons] if lessons else []))
    sections.append(Section(_t("Handover"), [report.handover or NONE]))
    for section in sections:  # commentary left empty is no paragraph
        section.paragraphs = [p for p in section.paragraphs if p]
    return sections
