"""The frozen figures of a project summary report (SP-4.5.2), computed once from the records and the service data.

`build_summary_snapshot(project)` returns plain JSON, stored in the report, so later changes to tickets, tasks or
changes never alter a generated report:

* objectives: the initiation plan's objectives, and each quality objective of the approved project plan against its
  result where the data measures it (response, resolution, availability, satisfaction); "other" objectives are
  judged in the PM's commentary, not guessed;
* scope: every task of the baseline work plan (the approved version in force), planned against actual dates, the
  variance in days, done / cancelled / open; the plan's milestones; how the baseline moved since version 1;
* SLA over the whole contract period, measured up to the report's cut-off (the contract's end, or now while it
  runs): per month and per priority, with the same engine the monthly report uses (`servicedata.sla`
  `period_metrics` and `monthly_trend`); a month without service data is a gap (None), never 0 or 100 %;
  whole-period availability, MTTR and MTBF over the months with service data; P1 tickets and outages;
* changes (work plan change requests), satisfaction (reporting's survey answers over the contract's months),
  cost against budget as far as ServPlan records it (contract value, budget, planned effort; actual cost and
  actual effort are not recorded and are said to be so), and the sections later stages register
  (core.report_sections, report SUMMARY: problems, security incidents, improvements).

Language-neutral codes are stored (states, kinds, metrics); pages and exports render them in the reader's language.
"""

import re
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from catalog.choices import Priority
from core import businesstime, report_sections
from core.choices import RecordStatus
from projects.choices import ChangeStatus, ObjectiveMetric, TaskState, WorkPlanStatus
from projects.models import ChangeRequest, InitiationApplication, InitiationPlan, TaskProgress, WorkPlan
from reporting.services import satisfaction as survey
from servicedata import sla
from servicedata.models import Outage, Ticket

SNAPSHOT_VERSION = 1
PRIORITIES = list(Priority.values)
LISTED = 200  # P1 tickets and outages listed in full up to this many (the counts are always complete)


def _round(value, digits=2):
    return None if value is None else round(float(value), digits)


def _percent(within, counted):
    return businesstime.Achievement(within, counted).percent


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def period_of(contract, now=None):
    """(start, end, cut-off) of the contract period as aware datetimes in the contract's zone: figures are
    measured from the start up to the cut-off, the contract's end or now, whichever is earlier."""
    zone = sla.contract_zone(contract)
    start = datetime.combine(contract.start_date, time(), zone)
    end = datetime.combine(contract.end_date + timedelta(days=1), time(), zone)
    return start, end, max(start, min(now or timezone.now(), end))


# ---- SLA over the whole contract period ------------------------------------------------------------

def _clock(figure):
    return {"within": figure.within, "counted": figure.counted, "percent": _round(figure.percent)}


def _met(percent, target):
    return None if percent is None or target is None else percent >= target


def sla_figures(contract, start, end, as_of):
    zone = sla.contract_zone(contract)
    months = _months(contract.start_date, contract.end_date)
    measured = [ym for ym in months if sla.month_bounds(*ym, zone)[0] < as_of]
    trend = {(p.year, p.month): p for p in sla.monthly_trend(contract, *measured[-1], months=len(measured),
                                                              as_of=as_of)} if measured else {}
    tier = sla.sla_for(contract, (as_of - timedelta(seconds=1)).astimezone(zone).date())
    targets = {p: t.target_percent for p, t in tier.targets().items()}
    availability_target = float(tier.availability_target) if tier.availability_target is not None else None
    sums = {(clock, p): [0, 0] for clock in ("response", "resolution") for p in PRIORITIES}
    agreed = down = excused = outages = outage_seconds = span = 0
    rows, warnings = [], []
    for y, m in months:
        label = f"{y}-{m:02d}"
        point = trend.get((y, m))
        if point is None:
            rows.append({"label": label, "measured": False, "has_data": False, "response": None, "resolution": None,
                         "availability": None, "volume": None, "outages": None, "met": None})
            continue
        metrics = sla.period_metrics(contract, y, m, as_of=as_of)
        for clock, figures in (("response", metrics.response), ("resolution", metrics.resolution)):
            for figure in figures:
                sums[(clock, figure.priority)][0] += figure.within
                sums[(clock, figure.priority)][1] += figure.counted
        if point.has_data:
            agreed += metrics.agreed_seconds
            down += metrics.downtime_seconds
            excused += metrics.excused_seconds
            outages += metrics.outages
            outage_seconds += metrics.outage_seconds
            m_start, m_end = sla.month_bounds(y, m, zone)
            span += int((min(m_end, as_of, end) - max(m_start, start)).total_seconds())
        warnings += [w for w in metrics.warnings if w not in warnings]
        rows.append({"label": label, "measured": True, "has_data": point.has_data,
                     "response": _clock(metrics.response_overall), "resolution": _clock(metrics.resolution_overall),
                     "availability": _round(metrics.availability_percent, 3) if point.has_data else None,
                     "agreed_seconds": metrics.agreed_seconds, "downtime_seconds": metrics.downtime_seconds,
                     "volume": metrics.volume, "outages": metrics.outages,
                     "met": metrics.all_met if point.has_data else None})

    def clock_row(clock, priority):
        within, counted = (sums[(clock, priority)] if priority else
                           [sum(sums[(clock, p)][i] for p in PRIORITIES) for i in (0, 1)])
        percent = _percent(within, counted)
        target = targets.get(priority) if priority else None
        return {"within": within, "counted": counted, "percent": _round(percent), "target": target,
                "met": _met(percent, target)}

    priorities = [{"priority": p, "response": clock_row("response", p), "resolution": clock_row("resolution", p)}
                  for p in PRIORITIES]
    overall = {"response": clock_row("response", ""), "resolution": clock_row("resolution", "")}
    availability = businesstime.Availability(agreed, down, excused).percent
    with_data = [r for r in rows if r["has_data"]]
    return {
        "tier": str(tier),
        "months": rows,
        "measured_months": len(measured), "data_months": len(with_data), "contract_months": len(months),
        "priorities": priorities,
        "overall": overall,
        "availability": {"target": availability_target, "actual": _round(availability, 3),
                         "met": _met(availability, availability_target), "agreed_seconds": agreed,
                         "downtime_seconds": down, "excused_seconds": excused},
        "outages": {"count": outages, "seconds": outage_seconds,
                    "mttr_seconds": _round(outage_seconds / outages, 0) if outages else None,
                    "mtbf_seconds": _round((span - outage_seconds) / outages, 0) if outages else None},
        "missed_months": [r["label"] for r in with_data if r["met"] is False],
        "warnings": warnings,
        # The trend chart's series: a month without service data (or not yet measured) is None, a gap.
        "trend": [{"label": r["label"], "response": (r["response"] or {}).get("percent") if r["has_data"] else None,
                   "resolution": (r["resolution"] or {}).get("percent") if r["has_data"] else None,
                   "availability": r["availability"], "volume": r["volume"] if r["has_data"] else None}
                  for r in rows],
    }


def service_events(contract, start, as_of):
    """Volume by priority and category, P1 tickets (major incidents) and outages of the period measured."""
    zone = sla.contract_zone(contract)
    ids = sla.contract_ids(contract)
    tickets = Ticket.objects.filter(contract_id__in=ids, created__gte=start, created__lt=as_of)
    by_priority = dict(tickets.values_list("priority").annotate(n=Count("pk")).order_by())
    categories = sorted(tickets.values_list("category").annotate(n=Count("pk")).order_by(),
                        key=lambda row: (not row[0], -row[1], row[0]))
    major = tickets.filter(priority=Priority.P1).order_by("created")

    def local(moment):
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    outages = Outage.objects.filter(contract_id__in=ids, start__lt=as_of, end__gt=start).order_by("start")
    return {
        "volume": {"total": sum(by_priority.values()), "by_priority": {p: by_priority.get(p, 0) for p in PRIORITIES}},
        "categories": [{"category": name or "", "count": n} for name, n in categories],
        "major_incidents": {"count": major.count(), "met": major.filter(resolution_met=True).count(),
                            "rows": [{"id": t.external_id, "summary": t.summary, "category": t.category or "",
                                      "created": local(t.created), "resolved": local(t.resolved),
                                      "resolution_met": t.resolution_met} for t in major[:LISTED]]},
        "outage_list": {"count": outages.count(), "unplanned": outages.filter(planned=False).count(),
                        "rows": [{"start": local(o.start), "end": local(o.end),
                                  "minutes": round((o.end - o.start).total_seconds() / 60), "planned": o.planned,
                                  "description": o.description} for o in outages[:LISTED]]},
    }


# ---- objectives against results ------------------------------------------------------------------

_TARGET = re.compile(r"(≥|>=|>|≤|<=|<|=)?\s*(\d+(?:\.\d+)?)")


def parse_target(text):
    """("≥", 95.0) from "≥ 95 %", "≥ 90 分", "99.5"; None when the text holds no number (judged by a person)."""
    match = _TARGET.search(text or "")
    if match is None:
        return None
    op = {">=": "≥", "<=": "≤"}.get(match.group(1), match.group(1) or "≥")
    return op, float(match.group(2))


def _compare(value, op, target):
    return {"≥": value >= target, ">": value > target, "≤": value <= target, "<": value < target,
            "=": value == target}[op]


def _objective_result(objective, sla_data, satisfaction):
    """(result, unit, target number, operator) of a quality objective from the frozen figures; result None when the
    data does not measure it."""
    metric = objective.metric
    priority = objective.sla_target.priority if objective.sla_target_id else ""
    parsed = parse_target(objective.target)
    if metric in (ObjectiveMetric.RESPONSE, ObjectiveMetric.RESOLUTION):
        row = next((r for r in sla_data["priorities"] if r["priority"] == priority), None) if priority \
            else sla_data["overall"]
        figure = row[metric] if row else {}
        if objective.sla_target_id and parsed is None:
            parsed = ("≥", float(objective.sla_target.target_percent))
        return figure.get("percent"), "%", parsed
    if metric == ObjectiveMetric.AVAILABILITY:
        availability = sla_data["availability"]
        if parsed is None and availability["target"] is not None:
            parsed = ("≥", availability["target"])
        return availability["actual"], "%", parsed
    if metric == ObjectiveMetric.SATISFACTION:
        return (satisfaction.get("points") if satisfaction.get("recorded") else None), "points", parsed
    return None, "", parsed


def objectives(project, sla_data, satisfaction):
    initiation = InitiationPlan.objects.filter(project=project, status=RecordStatus.APPROVED) \
        .order_by("-version").first()
    plan = project.approved_plan()
    rows = []
    for objective in (plan.objectives.select_related("sla_target", "owner") if plan else []):
        result, unit, parsed = _objective_result(objective, sla_data, satisfaction)
        measurable = objective.metric != ObjectiveMetric.OTHER
        rows.append({"objective": objective.objective, "metric": objective.metric, "target": objective.target,
                     "priority": objective.sla_target.priority if objective.sla_target_id else "",
                     "measurement": objective.measurement, "owner": str(objective.owner),
                     "measurable": measurable, "result": result, "unit": unit,
                     "met": _compare(result, *parsed) if result is not None and parsed else None})
    return {"initiation_plan": initiation.number if initiation else "",
            "statement": initiation.objectives if initiation else "",
            "scope": initiation.scope if initiation else "",
            "project_plan": plan.number if plan else "", "plan_version": plan.version if plan else None,
            "acceptance_criteria": plan.acceptance_criteria if plan else "",
            "rows": rows,
            "met": sum(1 for r in rows if r["met"] is True), "missed": sum(1 for r in rows if r["met"] is False),
            "not_measured": sum(1 for r in rows if r["met"] is None)}


# ---- scope delivered against the baseline work plan ----------------------------------------------

def _wbs_key(task):
    return tuple(int(part) if part.isdigit() else 0 for part in (task.wbs or "").split(".")), task.position, task.pk


def _plan_end(work_plan):
    return max((t.planned_end for t in work_plan.tasks.all()), default=None)


def scope(project, as_of_day):
    baseline = project.baseline()
    plan = project.approved_plan()
    milestones = [{"name": m.name, "due": m.due_date.isoformat(), "deliverable": m.deliverable}
                  for m in (plan.milestones.all() if plan else [])]
    if baseline is None:
        return {"baseline": "", "tasks": [], "milestones": milestones, "counts": {}, "first_baseline": None}
    tasks = sorted(baseline.tasks.select_related("assignee"), key=_wbs_key)
    parents = {t.parent_id for t in tasks if t.parent_id}
    progress = {p.task_key: p for p in TaskProgress.objects.filter(project=project)}
    rows = []
    for task in tasks:
        p = progress.get(task.key)
        state = p.state if p else TaskState.NOT_STARTED
        actual_start, actual_end = (p.actual_start, p.actual_end) if p else (None, None)
        settled = state in (TaskState.DONE, TaskState.CANCELLED)
        rows.append({
            "wbs": task.wbs, "name": task.name, "deliverable": task.deliverable, "leaf": task.pk not in parents,
            "milestone": task.is_milestone, "assignee": str(task.assignee or ""),
            "planned_start": task.planned_start.isoformat(), "planned_end": task.planned_end.isoformat(),
            "actual_start": actual_start.isoformat() if actual_start else "",
            "actual_end": actual_end.isoformat() if actual_end else "",
            "start_variance": (actual_start - task.planned_start).days if actual_start else None,
            "finish_variance": (actual_end - task.planned_end).days if actual_end and state == TaskState.DONE
            else None,
            "state": state, "percent": p.percent_complete if p else 0, "note": p.note if p else "",
            "overdue": not settled and task.planned_end < as_of_day,
            "effort_hours": float(task.effort_hours)})
    leaves = [r for r in rows if r["leaf"]]
    done = [r for r in leaves if r["state"] == TaskState.DONE]
    late = [r for r in done if (r["finish_variance"] or 0) > 0]
    first = WorkPlan.objects.filter(project=project, status__in=[WorkPlanStatus.APPROVED, WorkPlanStatus.SUPERSEDED]) \
        .order_by("version").first()
    return {
        "baseline": baseline.number, "baseline_version": baseline.version,
        "first_baseline": {"version": first.version, "planned_end": (_plan_end(first) or "") and
                           _plan_end(first).isoformat()} if first else None,
        "planned_end": (_plan_end(baseline) or "") and _plan_end(baseline).isoformat(),
        "tasks": rows, "milestones": milestones,
        "counts": {"tasks": len(leaves), "done": len(done),
                   "cancelled": sum(1 for r in leaves if r["state"] == TaskState.CANCELLED),
                   "open": sum(1 for r in leaves if r["state"] not in (TaskState.DONE, TaskState.CANCELLED)),
                   "on_time": len(done) - len(late), "late": len(late),
                   "overdue": sum(1 for r in leaves if r["overdue"]),
                   "max_delay_days": max((r["finish_variance"] for r in late), default=0),
                   "planned_effort_hours": sum(r["effort_hours"] for r in leaves)},
    }


def changes(project):
    """The project's work plan change requests (latest version of each): approved ones are the changes made."""
    latest = {}
    for change in ChangeRequest.objects.filter(project=project).order_by("number", "-version"):
        latest.setdefault(change.number, change)
    rows = [{"number": c.number, "version": c.version, "title": c.title, "kind": c.kind, "status": c.status,
             "reason": c.reason, "decided": c.approved_at.date().isoformat() if c.approved_at else ""}
            for c in sorted(latest.values(), key=lambda c: c.number)]
    return {"rows": rows, "approved": sum(1 for r in rows if r["status"] == ChangeStatus.APPROVED),
            "rejected": sum(1 for r in rows if r["status"] == ChangeStatus.REJECTED)}


# ---- satisfaction and cost ---------------------------------------------------------------------

def satisfaction(contract):
    """The customer's survey answers over the contract period (reporting's, score 1–5 and points 0–100): count 0 and
    no average when nobody answered, so the report says so instead of showing a figure nobody gave."""
    result = survey.summary(contract.number, contract.start_date, contract.end_date)
    return {"recorded": True, "count": result.get("count", 0), "average": _round(result.get("average")),
            "points": _round(result.get("points"), 1), "by_month": list(result.get("by_month", []))}


def cost(project, contract, scope_data):
    """Cost against budget as far as ServPlan records it: the contract value, the approved budget of the initiation
    application (and plan), the planned effort of the baseline. Actual cost and actual effort hours are not
    recorded in ServPlan: the report says so (the PM states them in the commentary)."""
    application = InitiationApplication.objects.filter(project=project, status=RecordStatus.APPROVED) \
        .order_by("-version").first()
    initiation = InitiationPlan.objects.filter(project=project, status=RecordStatus.APPROVED) \
        .order_by("-version").first()
    return {"contract_value": str(contract.value),
            "budget": str(application.budget) if application else None,
            "budget_source": application.number if application else "",
            "plan_budget": str(initiation.budget) if initiation and initiation.budget is not None else None,
            "planned_effort_hours": (scope_data.get("counts") or {}).get("planned_effort_hours"),
            "actual_cost": None, "actual_effort_hours": None}


# ---- the snapshot ----------------------------------------------------------------------------------

def build_summary_snapshot(project, now=None):
    # The contract version in force: a signed change (a longer term, say) is the period the project ran under.
    contract = project.contract.in_force()
    start, end, as_of = period_of(contract, now)
    zone = sla.contract_zone(contract)
    sla_data = sla_figures(contract, start, end, as_of)
    answers = satisfaction(contract)
    scope_data = scope(project, (as_of - timedelta(seconds=1)).astimezone(zone).date())
    return {
        "version": SNAPSHOT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "project": {"id": project.pk, "code": project.code, "name": project.name, "status": project.status,
                    "start": project.start_date.isoformat(), "end": project.end_date.isoformat(),
                    "manager": str(project.manager or "")},
        "contract": {"id": contract.pk, "number": contract.number, "title": contract.title,
                     "customer": str(contract.customer), "start": contract.start_date.isoformat(),
                     "end": contract.end_date.isoformat()},
        "period": {"start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat(),
                   "complete": as_of >= end,
                   "measured_to": (as_of - timedelta(seconds=1)).astimezone(zone).date().isoformat()},
        "objectives": objectives(project, sla_data, answers),
        "scope": scope_data,
        "sla": sla_data,
        "service": service_events(contract, start, as_of),
        "changes": changes(project),
        "satisfaction": answers,
        "cost": cost(project, contract, scope_data),
        "sections": report_sections.sections(report_sections.SUMMARY,
                                             report_sections.Scope((contract,), start, as_of, project)),
    }
