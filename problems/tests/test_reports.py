"""Problem management's sections of the monthly, internal and summary reports (core.report_sections), and the demo's
problems."""

from datetime import timedelta

from core import report_sections as rs
from problems import reports
from problems.choices import ProblemStatus
from problems.models import Problem
from problems.tests.helpers import BASE, seed, set_clocks


def _scope(contract, start, end):
    return rs.Scope(contracts=(contract,), start=start, end=end)


def test_monthly_sections_list_the_problem_and_the_candidates(problem, contract, demo):
    staff = demo["svc_staff"]
    tickets = seed(contract, staff, [("打印机", "账单打印机", "P2", d) for d in (1, 2, 3)], prefix="M")
    set_clocks(tickets[:2], False, True)
    from core.context import acting_as
    from core.rows import set_links

    with acting_as(staff):
        set_links(problem, "tickets", tickets, staff)
    now = problem.created
    section = reports.monthly_problems(_scope(contract, now - timedelta(days=1), now + timedelta(days=1)))
    row = next(r for r in section.rows if r[0] == problem.number)
    assert row[1:] == [problem.title, "Under analysis", "Yes", 3, 2]
    # Another month: still listed while it is open, no longer new.
    later = reports.monthly_problems(_scope(contract, now + timedelta(days=40), now + timedelta(days=70)))
    assert next(r for r in later.rows if r[0] == problem.number)[3] == "No"
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSED)
    assert problem.number not in {r[0] for r in reports.monthly_problems(
        _scope(contract, now + timedelta(days=40), now + timedelta(days=70))).rows}
    candidates = reports.monthly_candidates(_scope(contract, BASE, BASE + timedelta(days=30)))
    assert candidates.rows == [["打印机", "账单打印机", 3, "0 → 3", 2]]  # the window is the 90 days before the end


def test_internal_and_summary_sections(problem, contract):
    now = problem.created
    internal = reports.internal_problems(_scope(contract, now - timedelta(days=1), now + timedelta(days=1)))
    assert any(r[0] == contract.number and r[1] == problem.number for r in internal.rows)
    summary = reports.summary_problems(_scope(contract, now - timedelta(days=400), now + timedelta(days=1)))
    assert [r[0] for r in summary.rows] == [problem.number]
    empty = reports.summary_problems(_scope(contract, now - timedelta(days=400), now - timedelta(days=1)))
    assert empty.rows == [] and empty.note


def test_the_demo_has_problems_in_every_kind_of_state(demo):
    from contracts.demo import CHAIN_TITLE

    problems = Problem.objects.filter(contract__title=CHAIN_TITLE)
    closed = problems.get(status=ProblemStatus.CLOSED)
    assert closed.snapshot["verification"]["stopped"] and closed.snapshot["sla"]
    assert not closed.tasks.filter(done_on__isnull=True).exists()
    assert problems.filter(status=ProblemStatus.ANALYSIS, known_error=True).exclude(workaround="").exists()
    assert problems.filter(status=ProblemStatus.ANALYSIS, known_error=False).exists()
    assert problems.filter(status=ProblemStatus.DRAFT).exists()
