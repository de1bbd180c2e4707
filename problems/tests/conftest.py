import pytest


@pytest.fixture
def contract(demo):
    """The hospital's desktop contract: no demo tickets, so a test's seeded tickets are all it has."""
    from contracts.models import Contract

    return Contract.objects.select_related("customer").get(customer__code="nbhospital", title__contains="桌面运维")


@pytest.fixture
def problem(contract, demo):
    """A problem of the contract under analysis, nothing analysed yet."""
    from core import records, workflow
    from core.context import acting_as
    from problems.models import Problem

    staff = demo["svc_staff"]
    with acting_as(staff):
        problem = Problem(contract=contract, title="Test problem", owner_department=staff.department)
        records.create(problem, staff)
        workflow.fire(problem, "analyse", staff)
    problem.refresh_from_db()
    return problem
