"""Problem management's sections of the monthly, internal and project summary reports (core.report_sections),
frozen into each report when it is generated (in the company's language).

* monthly: "Problems" (the contract's problems new in the month, open at its end, or explaining tickets of the
  month: number, title, state, linked tickets, breaches among them) and "Problem candidates" (the contract's
  top-ranked candidates over the 90 days before the month's end);
* internal: the new and open problems across the report's contracts, and the company-wide ones;
* summary: the problems of the project's contract raised before the period's end, with their fix dates;
* management (the management review): across the period's contracts and company-wide, the problems new in the
  period or open at its end, with how many were new, closed (fixed) in the period and open at its end.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _t

from core import report_sections as rs

from . import candidates as found
from .choices import OPEN_STATES, ProblemStatus
from .models import Problem

CANDIDATES_SHOWN = 5


def _problems(numbers, start, end, *, company_wide=False, only_new_or_open=True):
    """Latest versions (not superseded) of the problems of these contract numbers: with `only_new_or_open`, those
    created in [start, end), those created before `end` and still open, and those explaining tickets of the period
    (linked tickets created in it, whenever the problem was raised: a report generated later shows what explains
    its month); else every one created before `end`. With `company_wide`, those of no contract too."""
    where = Q(contract__number__in=numbers) | (Q(contract__isnull=True) if company_wide else Q(pk__in=[]))
    rows = Problem.objects.filter(where).exclude(status=ProblemStatus.SUPERSEDED)
    if only_new_or_open:
        explaining = Problem.objects.filter(tickets__created__gte=start, tickets__created__lt=end).values("pk")
        rows = rows.filter(Q(created__gte=start, created__lt=end) | Q(created__lt=end, status__in=OPEN_STATES)
                           | Q(pk__in=explaining))
    else:
        rows = rows.filter(created__lt=end)
    breach = Q(tickets__response_met=False) | Q(tickets__resolution_met=False)
    return rows.select_related("contract").annotate(
        linked=Count("tickets", distinct=True), breaches=Count("tickets", filter=breach, distinct=True)) \
        .order_by("contract__number", "number")


def _state(problem):
    state = str(problem.get_status_display())
    return f"{state} · {_t('known error')}" if problem.known_error and problem.status in OPEN_STATES else state


def _new(problem, start, end):
    return _t("Yes") if start <= problem.created < end else _t("No")


def monthly_problems(scope):
    numbers = [c.number for c in scope.contracts]
    rows = [[p.number, p.title, _state(p), _new(p, scope.start, scope.end), p.linked, p.breaches]
            for p in _problems(numbers, scope.start, scope.end)]
    return rs.Section("problems", _t("Problems"),
                      [_t("Number"), _t("Title"), _t("State"), _t("New this month"), _t("Linked tickets"),
                       _t("Breaches")], rows,
                      note="" if rows else _t("No problem was new or open for this contract this month."))


def monthly_candidates(scope):
    top = found.candidates(list(scope.contracts), end=scope.end)[:CANDIDATES_SHOWN]
    rows = [[c.category or "—", c.configuration_item or _t("(any)"), c.count, f"{c.first_half} → {c.second_half}",
             c.breaches] for c in top]
    note = _t("Recurring tickets over the %(days)s days before the month's end, ranked by count, trend and "
              "breaches.") % {"days": found.WINDOW_DAYS}
    return rs.Section("problem_candidates", _t("Problem candidates"),
                      [_t("Category"), _t("Configuration item"), _t("Tickets"), _t("Trend"), _t("Breaches")], rows,
                      note=note if rows else _t("No recurring tickets to propose as problems."))


def internal_problems(scope):
    numbers = [c.number for c in scope.contracts]
    rows = [[p.contract.number if p.contract_id else _t("Company-wide"), p.number, p.title, _state(p),
             _new(p, scope.start, scope.end), p.linked, p.breaches]
            for p in _problems(numbers, scope.start, scope.end, company_wide=True)]
    return rs.Section("problems", _t("Problems"),
                      [_t("Contract"), _t("Number"), _t("Title"), _t("State"), _t("New this month"),
                       _t("Linked tickets"), _t("Breaches")], rows,
                      note="" if rows else _t("No problem was new or open this month."))


def summary_problems(scope):
    numbers = [c.number for c in scope.contracts]
    rows = [[p.number, p.title, _state(p), p.linked, p.breaches, f"{p.fixed_on:%Y-%m-%d}" if p.fixed_on else "—"]
            for p in _problems(numbers, scope.start, scope.end, only_new_or_open=False)]
    return rs.Section("problems", _t("Problems"),
                      [_t("Number"), _t("Title"), _t("State"), _t("Linked tickets"), _t("Breaches"), _t("Fix date")],
                      rows, note="" if rows else _t("No problem was recorded for the project's contract."))


def management_problems(scope):
    numbers = [c.number for c in scope.contracts]
    listed = list(_problems(numbers, scope.start, scope.end, company_wide=True))
    new = sum(scope.start <= p.created < scope.end for p in listed)
    still_open = sum(p.status in OPEN_STATES for p in listed)
    fixed = sum(1 for p in listed if p.fixed_on and scope.start.date() <= p.fixed_on < scope.end.date())
    rows = [[p.contract.number if p.contract_id else _t("Company-wide"), p.number, p.title, _state(p),
             _new(p, scope.start, scope.end), f"{p.fixed_on:%Y-%m-%d}" if p.fixed_on else "—", p.linked, p.breaches]
            for p in listed]
    note = _t("Problems: %(new)s new in the period, %(fixed)s fixed in it, %(open)s open now.") % {
        "new": new, "fixed": fixed, "open": still_open}
    return rs.Section("problems", _t("Problems"),
                      [_t("Contract"), _t("Number"), _t("Title"), _t("State"), _t("New in the period"),
                       _t("Fix date"), _t("Linked tickets"), _t("Breaches")], rows,
                      note=note if rows else _t("No problem was new or open in the period."))


rs.register(rs.MONTHLY, monthly_problems)
rs.register(rs.MONTHLY, monthly_candidates)
rs.register(rs.INTERNAL, internal_problems)
rs.register(rs.SUMMARY, summary_problems)
rs.register(rs.MANAGEMENT, management_problems)
