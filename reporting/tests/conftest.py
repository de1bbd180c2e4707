import pytest


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Report generation runs inline in tests (the Tasks API's ImmediateBackend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def contract(demo):
    from contracts.models import Contract

    return Contract.objects.select_related("customer").get(customer__code="nbhospital", title__contains="桌面运维")
