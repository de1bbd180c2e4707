"""Problem decisions (SP-4.5.4): each analysis field required before the solution is submitted (refused with its own
message on the API and the page), the SLA conformance against a hand count, the verification after the fix date, the
workflow to closed, the closure checklist item, the export."""

import pytest
from django.core.exceptions import ValidationError

from core import workflow
from core.context import acting_as
from problems import services
from problems.tests.helpers import analyse_fully, seed, set_clocks, update

MESSAGES = {
    "causes": "State the causes with a root-cause method",
    "trend": "Describe the trend of potential problems.",
    "sla": "Link the tickets the problem explains",
    "impact": "State the impact and risk to the customer's systems",
    "solution": "Draw up the solution and the tasks",
}


def test_each_analysis_field_is_required_api(problem, contract, demo, client_for):
    client = client_for("svc_staff")
    url = f"/api/problems/problems/{problem.pk}/transition/"
    response = client.post(url, {"transition": "submit"}, content_type="application/json")
    assert response.status_code == 400
    body = response.content.decode()
    for message in MESSAGES.values():
        assert message in body
    assert f"/problems/problem/{problem.pk}/edit/" in body  # the fix link
    staff = demo["svc_staff"]
    tickets = seed(contract, staff, [("网络", "交换机", "P2", 1)], prefix="R")
    analyse_fully(problem, staff, tickets, demo["pm"])
    assert services.missing_analysis(problem) == []
    # Remove each field in turn: only its message is given.
    for key, field, empty in (("trend", "trend", ""), ("impact", "risk_level", ""), ("solution", "solution", ""),
                              ("causes", "method", "")):
        saved = getattr(problem, field)
        update(problem, staff, **{field: empty})
        response = client.post(url, {"transition": "submit"}, content_type="application/json")
        assert response.status_code == 400
        assert MESSAGES[key] in response.content.decode()
        assert all(MESSAGES[k] not in response.content.decode() for k in MESSAGES if k != key)
        update(problem, staff, **{field: saved})
    response = client.post(url, {"transition": "submit"}, content_type="application/json")
    assert response.status_code == 200, response.content
    problem.refresh_from_db()
    assert problem.status == "in_review"


def test_analysis_missing_is_shown_on_the_page(problem, client_for):
    client = client_for("svc_staff")
    page = client.get(problem.get_absolute_url()).content.decode()
    assert 'id="analysis-missing"' in page
    assert "Describe the trend of potential problems." in page  # the blocked transition's reason
    response = client.post(f"/problems/problem/{problem.pk}/transition/", {"transition": "submit"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "analysis"


def test_sla_conformance_against_a_hand_count(problem, contract, demo):
    staff = demo["svc_staff"]
    specs = [("网络", "交换机", p, d) for p, d in (("P1", 1), ("P1", 2), ("P1", 3), ("P2", 4), ("P2", 5), ("P3", 6))]
    tickets = seed(contract, staff, specs, prefix="S")
    # Clocks as stored: (response met, resolution met) per ticket.
    clocks = [(False, False), (True, False), (True, True), (False, True), (None, None), (True, True)]
    for ticket, (response, resolution) in zip(tickets, clocks, strict=True):
        set_clocks([ticket], response, resolution)
    with acting_as(staff):
        from core.rows import set_links

        set_links(problem, "tickets", tickets, staff)
    expected = {}
    for (_c, _i, priority, _d), (response, resolution) in zip(specs, clocks, strict=True):
        row = expected.setdefault(priority, [0, 0, 0])
        row[0] += 1
        row[1] += response is False
        row[2] += resolution is False
    rows = services.sla_conformance(problem)
    assert {r["priority"]: [r["tickets"], r["response_breaches"], r["resolution_breaches"]] for r in rows} == expected
    assert expected == {"P1": [3, 1, 2], "P2": [2, 1, 0], "P3": [1, 0, 0]}
    sla = contract.sla_for(tickets[0].created.date())
    assert {r["sla"] for r in rows} == {f"{sla.number} v{sla.version}" if getattr(sla, "number", "") else str(sla)}


def _to_verification(problem, demo, tickets):
    staff, manager = demo["svc_staff"], demo["svc_manager"]
    analyse_fully(problem, staff, tickets, staff)
    workflow.fire(problem, "submit", staff)
    workflow.fire(problem, "approve", manager)
    problem.refresh_from_db()
    assert problem.snapshot["sla"]
    workflow.fire(problem, "implement", staff)
    with pytest.raises(ValidationError, match="Every solution task must be done first"):
        workflow.fire(problem, "verify", staff)
    for task in problem.tasks.all():
        services.mark_task_done(task, staff, tickets[-1].created.date())
    workflow.fire(problem, "verify", staff)
    problem.refresh_from_db()
    return problem


def test_verification_counts_recurrences_after_the_fix(problem, contract, demo):
    staff = demo["svc_staff"]
    tickets = seed(contract, staff, [("打印机", "账单打印机", "P3", d) for d in (1, 2, 3)], prefix="V")
    update(problem, staff, category="打印机", configuration_item="账单打印机")
    problem = _to_verification(problem, demo, tickets)
    assert problem.status == "verification"
    assert problem.fixed_on == tickets[-1].created.date()
    result = services.verification(problem)
    # the last linked ticket was created on the fix date: it counts as after the fix
    assert (result["recurrences"], result["linked_after"], result["stopped"]) == (1, 1, False)
    with pytest.raises(ValidationError, match="The verification shows tickets since the fix date"):
        workflow.fire(problem, "close", staff)
    # A later ticket of the same pair (not linked) recurs too; one of another pair does not.
    seed(contract, staff, [("打印机", "账单打印机", "P3", 10), ("网络", "交换机", "P3", 11)], prefix="W")
    assert services.verification(problem)["recurrences"] == 2
    workflow.fire(problem, "close_with_reason", demo["svc_manager"], "Recurrences are a different fault.")
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.snapshot["verification"]["recurrences"] == 2


def test_no_recurrence_closes(problem, contract, demo):
    staff = demo["svc_staff"]
    tickets = seed(contract, staff, [("账号", "AD", "P2", d) for d in (1, 2)], prefix="N")
    problem = _to_verification(problem, demo, tickets)
    type(problem).objects.filter(pk=problem.pk).update(fixed_on=tickets[-1].created.date().replace(day=28))
    problem.refresh_from_db()
    assert services.verification(problem)["stopped"]
    workflow.fire(problem, "close", staff)
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.snapshot["verification"]["stopped"] is True
    # frozen: no edit
    with pytest.raises(ValidationError):
        update(problem, staff, title="changed")


def test_closure_checklist_lists_open_problems(problem, contract, demo):
    from closure.checklist import items
    from projects.models import Project

    project = Project.objects.filter(contract__number=contract.number).first()
    if project is None:
        pytest.skip("the demo has no project on this contract")
    mine = [i for i in items(project) if i.key == f"problem:{problem.number}"]
    assert len(mine) == 1 and not mine[0].done and mine[0].may_dispose
    assert mine[0].url == problem.get_absolute_url()


def test_export_pdf_and_docx(problem, client_for):
    client = client_for("svc_staff")
    for fmt in ("pdf", "docx"):
        response = client.get(f"/problems/problem/{problem.pk}/export/?format={fmt}")
        assert response.status_code == 200, fmt


def test_open_problem_from_a_ticket_and_the_contract_panel(contract, demo, client_for):
    staff = demo["svc_staff"]
    ticket = seed(contract, staff, [("打印机", "账单打印机", "P3", 1)], prefix="K")[0]
    client = client_for("svc_staff")
    page = client.get(ticket.get_absolute_url()).content.decode()
    add = f"/problems/problem/add/?contract={contract.pk}&amp;ticket={ticket.pk}"
    assert add in page
    form = client.get(add.replace("&amp;", "&")).content.decode()
    assert 'value="打印机"' in form and f'value="{ticket.pk}" selected' in form
    assert 'id="contract-problems"' in client.get(contract.get_absolute_url()).content.decode()
    assert add not in client_for("auditor").get(ticket.get_absolute_url()).content.decode()


def test_work_queue_analysis_and_tasks(problem, contract, demo):
    from datetime import date

    from problems.worklist import problems_to_analyse, solution_tasks_due

    today = date(2026, 11, 30)
    assert any(item.record == problem for item in problems_to_analyse(demo["svc_staff"], today))
    assert not list(problems_to_analyse(demo["auditor"], today))
    staff = demo["svc_staff"]
    tickets = seed(contract, staff, [("网络", "交换机", "P2", 1)], prefix="Q")
    analyse_fully(problem, staff, tickets, demo["pm"])
    workflow.fire(problem, "submit", staff)
    workflow.fire(problem, "approve", demo["svc_manager"])
    items = list(solution_tasks_due(demo["pm"], today))
    assert [i.title for i in items] == [f"Solution task of {problem.number}: replace"]
    assert not list(solution_tasks_due(demo["member"], today))


def test_a_closed_problems_tasks_are_kept(problem, contract, demo):
    staff = demo["svc_staff"]
    tickets = seed(contract, staff, [("网络", "交换机", "P2", 1)], prefix="X")
    problem = _to_verification(problem, demo, tickets)
    workflow.fire(problem, "close_with_reason", demo["svc_manager"], "checked")
    task = problem.tasks.first()
    with pytest.raises(ValidationError, match="Tasks are done once the solution is approved"):
        services.mark_task_done(task, staff)
    from core import records
    from core.audit import snapshot

    before = snapshot(task)
    task.description = "changed afterwards"
    with pytest.raises(ValidationError, match="its tasks are kept"), acting_as(staff):
        records.update(task, staff, before)
