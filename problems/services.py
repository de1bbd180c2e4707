"""The decisions of problem management (SP-4.5.4) that pages, API, workflow conditions and tests share.

* what the analysis still lacks before the solution goes to review (each field, with its refusal message);
* the SLA conformance of the linked tickets, read from their stored clocks, per priority and SLA version;
* the verification: recurrences of the problem's tickets after the fix date;
* recording a solution task as done (the project team, after the solution is approved).
"""

from collections import Counter
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from core import records
from core.audit import snapshot
from core.workflow import refuse
from servicedata.models import Ticket
from servicedata.sla.context import contract_ids, contract_zone, sla_schedule

from .choices import ProblemStatus, RootCauseMethod


# ---- the analysis required before the solution is submitted --------------------------------------------------
# Each check: (problem) -> bool; their refusal messages are the workflow's conditions (problems.workflows).
def causes_stated(problem):
    causes = list(problem.causes.all())
    if not problem.method or not causes:
        return False
    return problem.method != RootCauseMethod.CATEGORIES or all(c.category for c in causes)


def trend_stated(problem):
    return bool(problem.trend.strip())


def conformance_computable(problem):
    return problem.tickets.exists()


def impact_stated(problem):
    return bool(problem.impact.strip()) and bool(problem.risk_level) and problem.configuration_items.exists()


def solution_drawn_up(problem):
    return bool(problem.solution.strip()) and problem.tasks.exists()


ANALYSIS_CHECKS = {"causes": causes_stated, "trend": trend_stated, "sla": conformance_computable,
                   "impact": impact_stated, "solution": solution_drawn_up}


def missing_analysis(problem):
    """The keys of the analysis fields still missing (empty: ready for review)."""
    return [key for key, check in ANALYSIS_CHECKS.items() if not check(problem)]


# ---- SLA conformance (computed, never typed) ----------------------------------------------------------------

def _zone(contract):
    return contract_zone(contract) if contract is not None else ZoneInfo(settings.TIME_ZONE)


def _sla_label(sla):
    number = getattr(sla, "number", "")
    return f"{number} v{sla.version}" if number else str(sla)


def sla_conformance(problem):
    """Per (priority, SLA version) among the linked tickets: tickets, response and resolution breaches, as stored by
    the SLA engine on each ticket (response_met / resolution_met False). The SLA version is the one the ticket was
    measured against, found as the engine finds it: its contract's SLA schedule at its created instant."""
    tickets = list(problem.tickets.select_related("contract").order_by("priority", "created"))
    schedules, counts = {}, {}
    for ticket in tickets:
        contract = ticket.contract
        if contract.number not in schedules:
            schedules[contract.number] = sla_schedule(contract, _zone(contract))
        starts, slas = schedules[contract.number]
        sla = slas[int(np.searchsorted(starts, int(ticket.created.timestamp()), side="right"))]
        row = counts.setdefault((ticket.priority, _sla_label(sla)), Counter())
        row["tickets"] += 1
        row["response_breaches"] += ticket.response_met is False
        row["resolution_breaches"] += ticket.resolution_met is False
    return [{"priority": priority, "sla": label, "tickets": row["tickets"],
             "response_breaches": row["response_breaches"], "resolution_breaches": row["resolution_breaches"]}
            for (priority, label), row in sorted(counts.items())]


def breaches(problem):
    """Linked tickets with a response or resolution breach."""
    return problem.tickets.filter(Q(response_met=False) | Q(resolution_met=False)).count()


# ---- verification: did the problem stop? -----------------------------------------------------------------------

def pairs_of(problem):
    """The (category, configuration item) pairs the problem explains: its own, else those of its linked tickets."""
    if problem.category or problem.configuration_item:
        return {(problem.category, problem.configuration_item)}
    return set(problem.tickets.values_list("category", "configuration_item").distinct())


def _contract_ids_of(problem):
    if problem.contract_id:
        return contract_ids(problem.contract)
    return list(problem.tickets.values_list("contract_id", flat=True).distinct())


def fixed_since(problem):
    """The start of the fix date in the contract's zone (aware), or None before the fix."""
    if problem.fixed_on is None:
        return None
    return datetime.combine(problem.fixed_on, time(), _zone(problem.contract))


def verification(problem):
    """{fixed_on, recurrences, linked_after, stopped}: tickets of the problem's contract(s) and pairs created on or
    after the fix date (recurrences) and linked tickets created then; the problem stopped when both are zero. None
    before a fix date is set."""
    since = fixed_since(problem)
    if since is None:
        return None
    condition = Q(pk__in=[])
    for category, item in pairs_of(problem):
        pair = Q()
        if category:
            pair &= Q(category=category)
        if item:
            pair &= Q(configuration_item=item)
        if pair:
            condition |= pair
    recurring = Ticket.objects.filter(condition, contract_id__in=_contract_ids_of(problem), created__gte=since)
    recurrences = recurring.count()
    linked_after = problem.tickets.filter(created__gte=since).count()
    return {"fixed_on": problem.fixed_on.isoformat(), "recurrences": recurrences, "linked_after": linked_after,
            "stopped": recurrences == 0 and linked_after == 0, "checked_at": timezone.now().isoformat()}


def no_recurrence(problem):
    result = verification(problem)
    return result is not None and result["stopped"]


# ---- the solution's tasks ------------------------------------------------------------------------------------

def open_tasks(problem):
    return problem.tasks.filter(done_on__isnull=True)


def every_task_done(problem):
    return problem.tasks.exists() and not open_tasks(problem).exists()


def mark_task_done(task, user, done_on=None):
    """The project team records a task as done (the solution approved; not once the problem is closed)."""
    from django.utils.translation import gettext as _t

    if task.problem.status not in (ProblemStatus.APPROVED, ProblemStatus.IMPLEMENTING, ProblemStatus.VERIFICATION):
        raise refuse(_t("Tasks are done once the solution is approved, before the problem is closed."),
                     field="done_on")
    before = snapshot(task)
    task.done_on = done_on or timezone.localdate()
    records.update(task, user, before)
    return task


def set_fix_date(problem, user):
    """Verification starts: the fix date is the day the last task was done (today if none says)."""
    last = problem.tasks.aggregate(last=Max("done_on"))["last"] or timezone.localdate()
    type(problem).objects.filter(pk=problem.pk).update(fixed_on=last)


def freeze(problem, user, *keys):
    """Write the computed figures into the record (approval: the SLA conformance; closing: that and the
    verification), so the approved or closed record keeps them as they were."""
    problem.refresh_from_db()
    data = dict(problem.snapshot or {})
    if "sla" in keys:
        data["sla"] = sla_conformance(problem)
    if "verification" in keys:
        data["verification"] = verification(problem)
    type(problem).objects.filter(pk=problem.pk).update(snapshot=data)
