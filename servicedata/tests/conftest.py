import pytest


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks run inline in tests (the Tasks API's ImmediateBackend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def demo_contract(code):
    """One of the three plain demo contracts (contracts.demo.CONTRACTS), by customer code."""
    from contracts.demo import CONTRACTS
    from contracts.models import Contract

    title = next(row[1] for row in CONTRACTS if row[0] == code)
    return Contract.objects.select_related("customer").filter(title=title).order_by("-version").first()


@pytest.fixture
def contracts(demo):
    return {code: demo_contract(code) for code in ("hzbank", "szmetro", "nbhospital")}
